// Pasted tensors: the text a learner pastes (a PyTorch or NumPy print, a nested Python list, rows
// of numbers from a spreadsheet) read into a shape and float32 values, and the rules that turn it
// into the page's input x or weight w. Pure: no DOM (the dialog is classroom/pastepanel.js).
//
// Every refusal is a message that names the tensor and says where the text went wrong; a pasted
// value is finite and fits in a float32, as a typed cell value must (editor.js).

import { PARAM } from './params.js';
import { MAX_EDITS } from './state.js';
import { parseCellValue } from './format.js';
import { sizeText } from './torch.js';

/** The most characters a paste may have (the largest input, 8×64×64 values, printed, fits). */
export const MAX_PASTE_CHARS = 1_000_000;
/** The most values a paste may have: the largest input the page takes (in_channels × H × W). */
export const MAX_PASTE_VALUES = PARAM.in_channels.max * PARAM.height.max * PARAM.width.max;

/** Text allowed before the outer '[': `x = `, `torch.tensor(`, `tensor(`, `np.array(`, `Parameter containing:` … */
const PREFIX_RE = /^(?:[A-Za-z_][\w.]*\s*=\s*)?(?:Parameter containing:\s*)?(?:(?:torch\.)?(?:tensor|Tensor|FloatTensor)|(?:np\.|numpy\.)?(?:array|asarray))?\s*\(?\s*$/;
/** Text allowed after the matching ']': keyword arguments (dtype=…, grad_fn=<…>, …) and ')'. */
const SUFFIX_RE = /^\s*(?:,\s*[A-Za-z_]\w*\s*=\s*[^,()[\]]*?\s*)*,?\s*\)?\s*;?\s*$/;

const shorten = (s, n = 24) => (s.length > n ? `${s.slice(0, n)}…` : s);
const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

class PasteError extends Error {}

/** One number token, read as a typed cell value is (editor.js); `where` says which, for the message. */
function readNumber(token, what, where) {
  const r = parseCellValue(token);
  if (!r.ok) throw new PasteError(`${what}: ${where}: ${r.message}`);
  return r.value;
}

/** The message for a print that NumPy or PyTorch shortened with '...'. */
const SHORTENED = "the print is shortened ('...'): print the whole tensor first, e.g. torch.set_printoptions(profile='full') or numpy.set_printoptions(threshold=sys.maxsize)";
const isEllipsis = (token) => token === '...' || token === '…';
/** The most nested lists: the page's tensors have at most 4 dimensions. */
const MAX_DEPTH = 4;

/**
 * The nested list between `start` ('[') and its matching ']' in `text`, as a shape and values.
 * Items are separated by commas or by white space (NumPy prints `[[1 2]\n [3 4]]`); an empty
 * entry (`[1,,2]`, `[,1]`) is refused as Python refuses it, a trailing comma is fine.
 */
function readNested(text, start, what) {
  const values = [];
  const shape = []; // the length of the lists at each depth, fixed by the first one
  let leafDepth = -1; // the depth of the lists that hold numbers, fixed by the first one
  let i = start;
  const index = []; // the position being read, for messages: [0, 2, 1]
  const at = () => `value [${index.join(', ')}]`;
  const where = (depth) => (depth === 0 ? 'the outer list' : `[${index.slice(0, depth).join(', ')}]`);
  const fail = (msg) => {
    throw new PasteError(`${what}: ${msg}`);
  };
  const ragged = (depth) => fail(`the lists are not nested alike: ${where(depth)} holds ${depth === leafDepth ? 'lists where the others hold numbers' : 'numbers where the others hold lists'}`);

  function list(depth) {
    // text[i] === '['
    if (depth >= MAX_DEPTH) fail(`more than ${MAX_DEPTH} nested lists: a tensor here has at most ${MAX_DEPTH} dimensions`);
    i++;
    let len = 0;
    let childIsList = null;
    let empty = true; // no entry since the last comma (or the '[')
    index.push(0);
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (i >= text.length) fail(`a '[' is never closed`);
      const ch = text[i];
      if (ch === ']') {
        i++;
        break;
      }
      if (ch === ',') {
        if (empty) fail(`an empty entry (',') in ${where(depth)}`);
        empty = true;
        i++;
        continue;
      }
      index[depth] = len;
      empty = false;
      if (ch === '[') {
        if (childIsList === false) fail(`${where(depth)} mixes numbers and lists`);
        if (leafDepth === depth) ragged(depth);
        childIsList = true;
        list(depth + 1);
      } else {
        let j = i;
        while (j < text.length && !/[\s,[\]]/.test(text[j])) j++;
        const token = text.slice(i, j);
        if (isEllipsis(token)) fail(SHORTENED);
        if (childIsList === true) fail(`${where(depth)} mixes numbers and lists`);
        if (leafDepth === -1) leafDepth = depth;
        else if (leafDepth !== depth) ragged(depth);
        childIsList = false;
        values.push(readNumber(token, what, at()));
        if (values.length > MAX_PASTE_VALUES) fail(`more than ${MAX_PASTE_VALUES} values (the largest input the page takes)`);
        i = j;
      }
      len++;
    }
    index.pop();
    if (len === 0) fail(`an empty list []${index.length ? ` at [${index.join(', ')}]` : ''}: every dimension needs at least one value`);
    if (shape[depth] === undefined) shape[depth] = len;
    else if (shape[depth] !== len) {
      fail(`the lists are not all the same length: [${index.join(', ')}] has ${len === 1 ? '1 entry' : `${len} entries`} where the first list at that depth has ${shape[depth]}`);
    }
    return len;
  }

  list(0);
  // every list at a depth has that depth's length and the numbers are all at one depth: the
  // values fill the shape (checked anyway: a ragged text must never pass as a tensor)
  if (values.length !== shape.reduce((x, y) => x * y, 1)) fail('the lists are not nested alike');
  return { shape, values, end: i };
}

/** Rows of numbers (no brackets): one row per line, a blank line between channels. */
function readRows(text, what) {
  const blocks = [];
  let rows = [];
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, n) => {
    const tokens = line.split(/[\s,;]+/).filter(Boolean);
    if (tokens.length === 0) {
      if (rows.length) blocks.push(rows);
      rows = [];
      return;
    }
    if (tokens.some(isEllipsis)) throw new PasteError(`${what}: ${SHORTENED}`);
    rows.push({ tokens, line: n + 1 });
  });
  if (rows.length) blocks.push(rows);
  if (!blocks.length) throw new PasteError(`${what}: nothing to read: paste some numbers`);
  const width = blocks[0][0].tokens.length;
  const height = blocks[0].length;
  const values = [];
  blocks.forEach((b, c) => {
    if (b.length !== height) {
      throw new PasteError(`${what}: channel ${c} has ${b.length} rows, channel 0 has ${height} (a blank line starts a new channel)`);
    }
    for (const { tokens, line } of b) {
      if (tokens.length !== width) {
        throw new PasteError(`${what}: line ${line} has ${count(tokens.length, 'number')}, the first line has ${width}`);
      }
      tokens.forEach((tok, k) => {
        values.push(readNumber(tok, what, `line ${line}, number ${k + 1}`));
        if (values.length > MAX_PASTE_VALUES) throw new PasteError(`${what}: more than ${MAX_PASTE_VALUES} values (the largest input the page takes)`);
      });
    }
  });
  const shape = blocks.length > 1 ? [blocks.length, height, width] : [height, width];
  return { shape, values };
}

/** Integers of a shape written as `1, 3, 5, 5`, `(1, 3, 5, 5)` or `[1, 3, 5, 5]`; null if not. */
function readDims(text) {
  const t = text.trim().replace(/^[([]\s*(.*?)\s*,?\s*[)\]]$/s, '$1');
  if (!/^\d+(\s*,\s*\d+)*\s*,?$/.test(t)) return null;
  return t.split(',').map((x) => x.trim()).filter(Boolean).map(Number);
}

/** The simple constructors "Copy as PyTorch" writes, read back: torch.ones / zeros / full / eye /
 * arange(n).reshape(…). Returns null when the text is none of them. */
function readConstructor(text, what) {
  const m = /^(?:[A-Za-z_]\w*\s*=\s*)?(?:torch\.)?(ones|zeros|full|eye|arange)\s*\((.*)\)\s*$/s.exec(text.trim());
  if (!m) return null;
  const [, name, inner] = m;
  const bad = () => {
    throw new PasteError(`${what}: could not read torch.${name}(${shorten(inner)}): write the shape as integers, e.g. torch.${name === 'full' ? 'full((1, 1, 3, 3), 0.5)' : name === 'arange' ? 'arange(9.).reshape(1, 1, 3, 3)' : name === 'eye' ? 'eye(3)' : `${name}(1, 1, 3, 3)`}`);
  };
  let shape;
  let fill = null;
  if (name === 'ones' || name === 'zeros') {
    shape = readDims(inner.replace(/,\s*dtype\s*=\s*[\w.]+\s*$/, ''));
    if (!shape) bad();
    fill = () => (name === 'ones' ? 1 : 0);
  } else if (name === 'full') {
    const f = /^\s*([([][^()[\]]*[)\]])\s*,\s*([^,]+?)\s*$/.exec(inner);
    if (!f) bad();
    shape = readDims(f[1]);
    if (!shape) bad();
    const v = readNumber(f[2], what, 'the fill value');
    fill = () => v;
  } else if (name === 'eye') {
    const n = readDims(inner);
    if (!n || n.length !== 1) bad();
    shape = [n[0], n[0]];
    fill = (i) => (Math.floor(i / n[0]) === i % n[0] ? 1 : 0);
  } else {
    // arange(n) or arange(n.), then optionally .reshape(dims) / .view(dims)
    const a = /^\s*(\d+)\.?\s*\)\s*(?:\.(?:reshape|view)\s*\((.*))?$/s.exec(`${inner})`);
    if (!a) bad();
    const n = Number(a[1]);
    shape = a[2] === undefined ? [n] : readDims(a[2].replace(/\)\s*$/, ''));
    if (!shape) bad();
    if (shape.reduce((x, y) => x * y, 1) !== n) throw new PasteError(`${what}: arange(${n}) has ${n} values; shape [${shape.join(', ')}] needs ${shape.reduce((x, y) => x * y, 1)}`);
    fill = (i) => i;
  }
  if (shape.some((d) => d < 1)) throw new PasteError(`${what}: every dimension needs at least one value (shape [${shape.join(', ')}])`);
  if (shape.length > MAX_DEPTH) throw new PasteError(`${what}: ${shape.length} dimensions: a tensor here has at most ${MAX_DEPTH}`);
  const total = shape.reduce((x, y) => x * y, 1);
  if (total > MAX_PASTE_VALUES) throw new PasteError(`${what}: more than ${MAX_PASTE_VALUES} values (the largest input the page takes)`);
  const values = new Array(total);
  for (let i = 0; i < total; i++) values[i] = Math.fround(fill(i));
  return { shape, values };
}

/**
 * Read a pasted tensor.
 * @param {string} text  what was pasted
 * @param {string} what  the tensor's name for messages ('input', 'weight')
 * @returns {{ ok: true, shape: number[], data: Float32Array } | { ok: false, message: string }}
 */
export function parseTensorText(text, what = 'tensor') {
  try {
    const s = String(text ?? '');
    if (s.length > MAX_PASTE_CHARS) throw new PasteError(`${what}: the text is longer than ${MAX_PASTE_CHARS} characters`);
    const open = s.indexOf('[');
    let shape;
    let values;
    const made = readConstructor(s, what);
    if (made) {
      ({ shape, values } = made);
    } else if (open < 0) {
      if (/[()]/.test(s)) throw new PasteError(`${what}: expected numbers in [brackets], rows of numbers, or torch.ones / zeros / full / eye / arange(n).reshape(…), got '${shorten(s.trim())}'`);
      ({ shape, values } = readRows(s, what));
    } else {
      const before = s.slice(0, open);
      if (!PREFIX_RE.test(before.trim())) {
        throw new PasteError(`${what}: could not read '${shorten(before.trim())}' before the numbers (paste a list, or a tensor / array print)`);
      }
      const r = readNested(s, open, what);
      const after = s.slice(r.end);
      if (!SUFFIX_RE.test(after)) throw new PasteError(`${what}: could not read '${shorten(after.trim())}' after the numbers`);
      ({ shape, values } = r);
    }
    return { ok: true, shape, data: Float32Array.from(values) };
  } catch (e) {
    if (e instanceof PasteError) return { ok: false, message: e.message };
    throw e;
  }
}

/** `shape` with leading 1s up to rank 4 (as unsqueeze(0) would), or null when its rank is over 4. */
function rank4(shape) {
  if (shape.length > 4) return null;
  return [...Array(4 - shape.length).fill(1), ...shape];
}

/** Cell edits (key "a,b,…" → value) of the non-zero values of `data` laid out as `shape`. */
function cellsOf(data, shape) {
  const cells = {};
  const idx = new Array(shape.length).fill(0);
  for (let n = 0; n < data.length; n++) {
    if (data[n] !== 0) cells[idx.join(',')] = data[n];
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return cells;
}

function checkRange(what, name, value, noun) {
  const p = PARAM[name];
  if (value < p.min || value > p.max) throw new PasteError(`${what}: ${value} ${noun}; ${name} must be ${p.min}…${p.max} here`);
}

function checkCells(what, cells) {
  const n = Object.keys(cells).length;
  if (n > MAX_EDITS) {
    throw new PasteError(`${what}: ${n} non-zero values; a link carries at most ${MAX_EDITS} (paste a smaller tensor, or use a fill)`);
  }
}

/**
 * A pasted tensor as the input x: its shape becomes in_channels, height and width ([H, W] is one
 * channel; missing leading dimensions are 1, the batch must be 1; `params.groups` must divide the
 * channels), its values the cells (on a zeros fill: only the non-zero ones are stored, and carried
 * by links). Other arguments stay: a kernel larger than the new x is the page's usual invalid
 * state, with kernel_size highlighted.
 * @returns {{ ok: true, params, cells, shape } | { ok: false, message }}
 */
export function inputFromPaste(parsed, params) {
  const what = 'input';
  try {
    const shape = rank4(parsed.shape);
    if (!shape) throw new PasteError(`${what}: ${parsed.shape.length} dimensions; x is [N, C, H, W] (or [C, H, W], or [H, W])`);
    const [n, c, h, w] = shape;
    if (n !== 1) throw new PasteError(`${what}: a batch of ${n}; the page shows one sample: paste x[0:1] (N = 1)`);
    checkRange(what, 'in_channels', c, 'channels');
    checkRange(what, 'height', h, 'rows');
    checkRange(what, 'width', w, 'columns');
    const g = params.groups;
    if (c % g !== 0) throw new PasteError(`${what}: ${count(c, 'channel')}; groups=${g} needs in_channels divisible by ${g}: change groups first`);
    const cells = cellsOf(parsed.data, [c, h, w]);
    checkCells(what, cells);
    return { ok: true, params: { in_channels: c, height: h, width: w }, cells, shape };
  } catch (e) {
    if (e instanceof PasteError) return { ok: false, message: e.message };
    throw e;
  }
}

/**
 * A pasted tensor as the weight w of `layout` ('oihw', Conv2d's: [C_out, C_in/groups, kh, kw];
 * 'iohw', ConvTranspose2d's: [C_in, C_out/groups, kh, kw]), with missing leading dimensions 1. Its kernel
 * size becomes kernel_size and its output-channel dimension out_channels; its input-channel
 * dimension must be the layer's (change in_channels or groups first). The bias keeps its values
 * (`bias`: the current bias, or null) where its channels remain, 0 for new ones.
 * @returns {{ ok: true, params, cells, biasCells, shape } | { ok: false, message }}
 */
export function weightFromPaste(parsed, params, layout, bias) {
  const what = 'weight';
  try {
    const shape = rank4(parsed.shape);
    const g = params.groups;
    const expected = layout === 'oihw'
      ? `[C_out, C_in/groups = ${params.in_channels / g}, kh, kw]`
      : `[C_in = ${params.in_channels}, C_out/groups, kh, kw]`;
    if (!shape) throw new PasteError(`${what}: ${parsed.shape.length} dimensions; this weight is ${expected}`);
    const [a, b, kh, kw] = shape;
    let outChannels;
    if (layout === 'oihw') {
      if (b * g !== params.in_channels) {
        throw new PasteError(`${what}: ${sizeText(shape)} has ${count(b, 'input channel')} per kernel; this layer needs in_channels/groups = ${params.in_channels}/${g} = ${params.in_channels / g} (weight ${expected}): change in_channels or groups first`);
      }
      outChannels = a;
      if (a % g !== 0) {
        throw new PasteError(`${what}: ${a} output channels; groups=${g} needs out_channels divisible by ${g}: change groups first, or paste a multiple of ${g} kernels`);
      }
    } else {
      if (a !== params.in_channels) {
        throw new PasteError(`${what}: ${sizeText(shape)} starts with ${a}; a ConvTranspose2d weight starts with in_channels = ${params.in_channels} (weight ${expected}): change in_channels first`);
      }
      outChannels = b * g;
    }
    checkRange(what, 'out_channels', outChannels, 'output channels');
    checkRange(what, 'kernel_size', kh, 'kernel rows');
    checkRange(what, 'kernel_size', kw, 'kernel columns');
    const cells = cellsOf(parsed.data, shape);
    checkCells(what, cells);
    const biasCells = {};
    if (bias) for (let o = 0; o < Math.min(outChannels, bias.length); o++) if (bias[o] !== 0) biasCells[String(o)] = bias[o];
    return { ok: true, params: { out_channels: outChannels, kernel_size: [kh, kw] }, cells, biasCells, shape };
  } catch (e) {
    if (e instanceof PasteError) return { ok: false, message: e.message };
    throw e;
  }
}
