// The three losses of the Backward tab, as PyTorch defines them: the loss value from y, and
// ∂L/∂y — what `loss.backward()` hands the convolution as grad_output. No wasm op computes a loss,
// so these are the definitions themselves, in float32 steps as PyTorch's kernels round them:
//
//   'sum'       L = y.sum()                 ∂L/∂y = 1 everywhere
//   'weighted'  L = (y * g).sum()           ∂L/∂y = g
//   'mse'       L = F.mse_loss(y, t)        ∂L/∂y = 2·(y − t) / numel   (mse_loss_backward: norm·(y − t))
//
// Pure: no DOM, no state.

import { makeFilled } from '../../lib/tensors.js';

const f = Math.fround;

/** The loss's own tensor (g or t) for an output shape: small seeded integers; null for 'sum'. */
export function lossTensor(kind, shape) {
  if (kind === 'weighted') return makeFilled(shape, 'integers', 5);
  if (kind === 'mse') return makeFilled(shape, 'integers', 6);
  return null;
}

/** The name the page and the code give that tensor. */
export const auxName = (kind) => (kind === 'weighted' ? 'g' : kind === 'mse' ? 't' : '');

/** ∂L/∂y for y (a { shape, data } tensor) and the loss's tensor. */
export function lossGrad(kind, y, aux) {
  const n = y.data.length;
  const data = new Float32Array(n);
  if (kind === 'sum') data.fill(1);
  else if (kind === 'weighted') data.set(aux.data);
  else {
    const norm = f(2 / n);
    for (let i = 0; i < n; i++) data[i] = f(norm * f(y.data[i] - aux.data[i]));
  }
  return { shape: [...y.shape], data };
}

/** The loss's value (accumulated in double, rounded to float32 once: within float32 of PyTorch's). */
export function lossValue(kind, y, aux) {
  let s = 0;
  const n = y.data.length;
  for (let i = 0; i < n; i++) {
    const v = y.data[i];
    if (kind === 'sum') s += v;
    else if (kind === 'weighted') s += f(v * aux.data[i]);
    else {
      const d = f(v - aux.data[i]);
      s += f(d * d);
    }
  }
  return f(kind === 'mse' ? s / n : s);
}

/**
 * One SGD step, as `with torch.no_grad(): p -= lr * p.grad` computes it in float32:
 * p − fround(fround(lr)·grad), each entry rounded.
 */
export function sgdStep(param, grad, lr) {
  const out = new Float32Array(param.data.length);
  const a = f(lr);
  for (let i = 0; i < out.length; i++) out[i] = f(param.data[i] - f(a * grad.data[i]));
  return { shape: [...param.shape], data: out };
}
