// "Predict first": pure helpers for the quiz. The page hides the output shape (or one output
// value), the learner types a guess, and these functions judge it and word the answer, with the
// formula (conv2dOutputSize's arithmetic) or the dot product (a trace's steps) that explains it.
// Messages are plain text: show them with textContent.

import { formatPrecise as fmt } from './format.js';
import { sizeText } from './torch.js';

const MAX_TEXT = 200;
const MINUS = '\u2212';


/** Names of the dimensions of an output of `rank` dimensions, for the messages. */
function dimNames(rank) {
  if (rank === 4) return ['batch size', 'channels', 'height', 'width'];
  if (rank === 3) return ['batch size', 'rows (C·kh·kw)', 'columns (L)'];
  return Array.from({ length: rank }, (_, i) => `dimension ${i}`);
}

/**
 * Parse a typed shape: `torch.Size([1, 1, 3, 3])`, `[1,1,3,3]`, `(1, 1, 3, 3)`, `1x1x3x3`,
 * `1×1×3×3`, `1 1 3 3`; fewer numbers mean the last dimensions (`(3, 3)` or `3x3` is H×W).
 * @param {string} text
 * @returns {number[]|null} the integers, or null when the text is not a shape
 */
export function parseShape(text) {
  let s = String(text ?? '').trim();
  if (s === '' || s.length > MAX_TEXT) return null;
  s = s.replace(/^torch\.size\s*\(\s*([\s\S]*?)\s*\)$/i, '$1');
  if (!/^[\d\s,x×*()[\]]+$/i.test(s)) return null;
  const nums = s.match(/\d+/g);
  if (!nums || nums.length > 6) return null;
  // "3x" or "x3" is a typo, not a shape
  if (/^[x×*]|[x×*]$/i.test(s.replace(/[()[\]\s,]/g, ''))) return null;
  return nums.map(Number);
}

/**
 * Judge a guess of an output shape.
 * @param {string} text what the learner typed
 * @param {number[]} expectedShape the true shape, e.g. [1, 1, 3, 3]
 * @returns {{correct: boolean, valid: boolean, guess: number[]|null, message: string}}
 *   valid is false when the text is not a shape at all (don't count it as an attempt)
 */
export function checkShapeGuess(text, expectedShape) {
  const guess = parseShape(text);
  const full = sizeText(expectedShape);
  const rank = expectedShape.length;
  if (!guess || guess.length > rank) {
    return {
      correct: false,
      valid: false,
      guess: null,
      message: `Type a shape such as [${expectedShape.map(() => 'n').join(', ')}], torch.Size([…]) or just H×W, e.g. 3x3.`,
    };
  }
  // One number: a square H×W guess.
  const compared = guess.length === 1 && rank >= 2 ? [guess[0], guess[0]] : guess;
  const tail = expectedShape.slice(rank - compared.length);
  const names = dimNames(rank).slice(rank - compared.length);
  const shown = compared.join('×');
  const wrong = compared.map((v, i) => [names[i], tail[i], v]).filter(([, want, got]) => want !== got);
  if (wrong.length === 0) {
    const what = compared.length === rank ? full : `${shown} (the whole shape is ${full})`;
    return { correct: true, valid: true, guess, message: `Right: ${what}.` };
  }
  const details = wrong.map(([name, want, got]) => `${name} is ${want}, not ${got}`).join('; ');
  return { correct: false, valid: true, guess, message: `Not quite: ${details}. The output is ${full}.` };
}

/**
 * Parse a typed number: 27, -0.0034, −0.5 (with a real minus), 1e-3, 3/4, ",5" is not accepted.
 * @returns {{value: number, decimals: number}|null} decimals = digits typed after the point
 */
export function parseNumber(text) {
  const s = String(text ?? '').trim().replace(MINUS, '-');
  if (s === '' || s.length > 40) return null;
  const frac = /^([+-]?\d+)\s*\/\s*(\d+)$/.exec(s);
  if (frac) {
    const d = Number(frac[2]);
    return d === 0 ? null : { value: Number(frac[1]) / d, decimals: Infinity };
  }
  const m = /^[+-]?(\d+\.?(\d*)|\.(\d+))(e[+-]?\d+)?$/i.exec(s);
  if (!m) return null;
  const typed = (m[2] ?? m[3] ?? '').length;
  const exp = m[4] ? Number(m[4].slice(1)) : 0;
  return { value: Number(s), decimals: Math.max(0, typed - exp) };
}

/**
 * Judge a guess of one output value.
 * @param {string} text what the learner typed
 * @param {number} expected the true value
 * @param {number} [tol] accepted absolute error (exclusive); by default half a unit of the last
 *   digit typed (27 accepts 26.5 < v < 27.5; 0.34 accepts 0.335 < v < 0.345); an error within
 *   1e-6·max(1, |expected|) is always accepted
 * @returns {{correct: boolean, valid: boolean, guess: number|null, message: string}}
 */
export function checkValueGuess(text, expected, tol) {
  const p = parseNumber(text);
  if (!p) return { correct: false, valid: false, guess: null, message: 'Type a number such as 27, −0.5 or 3/4.' };
  if (!Number.isFinite(expected)) {
    // the float32 sum overflowed (inf) or met inf − inf (nan): no number typed is right
    return {
      correct: false,
      valid: true,
      guess: p.value,
      message: `This output is ${fmt(expected)}: its float32 sum overflowed, so no number is right. Try another cell.`,
    };
  }
  const floor = 1e-6 * Math.max(1, Math.abs(expected));
  const allowed = tol ?? (Number.isFinite(p.decimals) ? 0.5 * 10 ** -p.decimals : 0);
  const diff = p.value - expected;
  if (Math.abs(diff) <= floor || Math.abs(diff) < allowed * (1 - 1e-9)) {
    return { correct: true, valid: true, guess: p.value, message: `Right: ${fmt(expected)}.` };
  }
  const side = diff > 0 ? 'too high' : 'too low';
  return {
    correct: false,
    valid: true,
    guess: p.value,
    message: `Not quite: ${fmt(p.value)} is ${side}; the value is ${fmt(expected)}.`,
  };
}

/**
 * The formula behind one spatial output size, filled in, from `conv2dOutputSize(...)`'s or
 * `convTranspose2dOutputSize(...)`'s arithmetic (either kind is recognised).
 * @param {object} a one dimension's arithmetic (`result.height` or `result.width`)
 * @param {string} [name='H'] the dimension's letter
 * @returns {string} e.g. "H_out = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1
 *   = ⌊(5 + 1 + 1 − 1·(3 − 1) − 1) / 2⌋ + 1 = ⌊4 / 2⌋ + 1 = 3"
 */
export function explainSize(a, name = 'H') {
  if ('full' in a) {
    const general = `${name}_out = (${name} − 1)·stride − 2·padding + dilation·(kernel − 1) + output_padding + 1`;
    const filled = `(${a.input} − 1)·${a.stride} − 2·${a.padding} + ${a.dilation}·(${a.kernel} − 1) + ${a.outputPadding} + 1`;
    return `${general} = ${filled} = ${a.output}`;
  }
  const general = `${name}_out = ⌊(${name} + padding_before + padding_after − dilation·(kernel − 1) − 1) / stride⌋ + 1`;
  const filled = `⌊(${a.input} + ${a.padBefore} + ${a.padAfter} − ${a.dilation}·(${a.kernel} − 1) − 1) / ${a.stride}⌋ + 1`;
  let s = `${general} = ${filled} = ⌊${a.numerator} / ${a.stride}⌋ + 1 = ${a.output}`;
  if (a.unused > 0) {
    const what = name === 'H' ? 'row' : 'column';
    s += ` (the floor leaves ${a.unused} padded ${what}${a.unused > 1 ? 's' : ''} unread)`;
  }
  return s;
}

/**
 * Both spatial formulas: `{ height, width }` strings for an arithmetic result.
 * @param {{height: object, width: object}} arithmetic
 */
export function explainShape(arithmetic) {
  return { height: explainSize(arithmetic.height, 'H'), width: explainSize(arithmetic.width, 'W') };
}

/**
 * The lines behind a transposed convolution's output shape: both formulas of
 * `convTranspose2dOutputSize(...)`'s arithmetic and, when the forward call gave `output_size`, the
 * output_padding that it picks and the sizes it could have asked for.
 * @param {{height: object, width: object}} arithmetic convTranspose2dOutputSize's result
 * @param {number[]|null} [outputSize] the forward call's output_size (null: not given)
 * @returns {string[]}
 */
export function explainTransposeShape(arithmetic, outputSize = null) {
  const { height: h, width: w } = arithmetic;
  const lines = [explainSize(h, 'H'), explainSize(w, 'W')];
  if (outputSize) {
    const range = (a) => (a.minOutput === a.maxOutput ? `${a.minOutput} only` : `${a.minOutput} to ${a.maxOutput}`);
    lines.push(
      `output_size=(${outputSize[0]}, ${outputSize[1]}) sets output_padding to (${h.outputPadding}, ${w.outputPadding}); ` +
        `it may ask for H_out ${range(h)} and W_out ${range(w)}: the sizes that a Conv2d with these ` +
        `arguments maps to ${h.input}×${w.input}.`,
    );
  }
  return lines;
}

/**
 * The lines behind `F.unfold`'s output shape [N, C·kh·kw, L]: the kernel positions per dimension
 * (conv2dOutputSize's formulas), then the rows and the columns.
 * @param {{height: object, width: object}} arithmetic conv2dOutputSize's result
 * @param {number} channels C
 * @returns {string[]}
 */
export function explainUnfoldShape(arithmetic, channels) {
  const { height: h, width: w } = arithmetic;
  return [
    explainSize(h, 'H'),
    explainSize(w, 'W'),
    `rows = C·kh·kw = ${channels}·${h.kernel}·${w.kernel} = ${channels * h.kernel * w.kernel}; ` +
      `columns L = H_out·W_out = ${h.output}·${w.output} = ${h.output * w.output}`,
  ];
}

/**
 * The dot product behind one output value, from a trace's `steps(n, cOut, oh, ow)`:
 * "1×0.5 + 2×(−1) + 0×0.25 + … = −1.5; + bias 0.1 = −1.4". Dilation holes are left out; a
 * zero-padding tap shows as 0×w. Long sums show the first `maxTerms` products.
 * @param {{taps: object[], sum: number, bias: number, output: number}} steps
 * @param {number} [maxTerms=12]
 */
export function explainDotProduct(steps, maxTerms = 12) {
  const taps = steps.taps.filter((t) => t.kind !== 'skip');
  const factor = (v) => (v < 0 ? `(${fmt(v)})` : fmt(v));
  const term = (t) => `${factor(t.x)}×${factor(t.w)}`;
  const shown = taps.slice(0, maxTerms).map(term);
  if (taps.length > maxTerms) shown.push(`… (${taps.length} products in all)`);
  let s = `${shown.join(' + ')} = ${fmt(steps.sum)}`;
  if (steps.bias !== 0) s += `; + bias ${fmt(steps.bias)} = ${fmt(steps.output)}`;
  return s;
}

/**
 * The sum behind one ConvTranspose2d output value, from its zero-insertion route's steps (the
 * stride-1 convolution of the zero-inserted input with the flipped kernel): the taps on real input
 * cells only, since the inserted zeros and the padding add 0.
 * @param {{taps: object[], sum: number, bias: number, output: number}} steps the zero route's steps
 * @param {(tap: object) => boolean} real whether a tap reads a real input cell
 * @param {number} [maxTerms=12]
 */
export function explainTransposeValue(steps, real, maxTerms = 12) {
  const taps = steps.taps.filter((t) => t.kind !== 'skip' && real(t));
  if (!taps.length) {
    let s = 'Only inserted zeros and padding lie under the flipped kernel here: the sum is 0';
    if (steps.bias !== 0) s += `; + bias ${fmt(steps.bias)} = ${fmt(steps.output)}`;
    return s;
  }
  const sum = explainDotProduct({ ...steps, taps }, maxTerms);
  return `The input cells under the flipped kernel (the inserted zeros and the padding add 0): ${sum}`;
}
