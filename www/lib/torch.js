// How PyTorch prints things, in one place: `torch.Size([...])` and a convolution module's repr.

/** `torch.Size([1, 3, 5, 5])`, as `print(x.shape)` writes it. */
export const sizeText = (shape) => `torch.Size([${shape.join(', ')}])`;

const tup = (v) => `(${v[0]}, ${v[1]})`;
const isZero = (v) => Array.isArray(v) && v.every((x) => x === 0);
const isOne = (v) => Array.isArray(v) && v.every((x) => x === 1);

/**
 * `print(layer)` of an `nn.Conv2d` or `nn.ConvTranspose2d`: the arguments in the order of
 * `torch.nn.modules.conv._ConvNd.extra_repr` — in and out channels, kernel_size, stride, then
 * padding, dilation, output_padding (transposed only), groups, bias and padding_mode, each only when
 * it is not the default. A string padding prints unquoted, as PyTorch's `str.format` does.
 * @param {'Conv2d'|'ConvTranspose2d'} cls
 * @param {{in_channels: number, out_channels: number, kernel_size: number[], stride: number[],
 *          padding: number[]|string, dilation: number[], output_padding?: number[]|null,
 *          groups: number, bias: boolean, padding_mode?: string}} p
 * @returns {string} e.g. `Conv2d(3, 1, kernel_size=(3, 3), stride=(1, 1))`
 */
export function convRepr(cls, p) {
  let s = `${cls}(${p.in_channels}, ${p.out_channels}, kernel_size=${tup(p.kernel_size)}, stride=${tup(p.stride)}`;
  if (!Array.isArray(p.padding)) s += `, padding=${p.padding}`;
  else if (!isZero(p.padding)) s += `, padding=${tup(p.padding)}`;
  if (!isOne(p.dilation)) s += `, dilation=${tup(p.dilation)}`;
  if (p.output_padding && !isZero(p.output_padding)) s += `, output_padding=${tup(p.output_padding)}`;
  if (p.groups !== 1) s += `, groups=${p.groups}`;
  if (!p.bias) s += ', bias=False';
  if (p.padding_mode && p.padding_mode !== 'zeros') s += `, padding_mode=${p.padding_mode}`;
  return `${s})`;
}
