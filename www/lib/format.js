// Numbers as the page writes them: in a cell and the dot product (`formatValue`), in a sentence
// (`formatPrecise`), in a link (`f32Text`: the shortest text of a float32) and in Python
// (`pyFloat`, `pyRounded`). One module, so that a value reads the same wherever it appears.

const MINUS = '\u2212';

/**
 * A value as printed in a cell and in the dot product: integers exact, others with 2 significant
 * decimals, a real minus sign.
 */
export function formatValue(v) {
  if (v === 0 || Object.is(v, -0)) return '0';
  // float32 sums can overflow: spelled as PyTorch prints them
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '\u2212inf';
  const a = Math.abs(v);
  let s;
  if (Number.isInteger(v) && a < 1e6) s = String(v);
  else if (a >= 1e6) s = Number(v.toPrecision(3)).toExponential(); // 3 significant digits: 3e+38, 1.23e+6
  else if (a < 0.005) s = v.toExponential(0);
  else if (a >= 1000) s = v.toFixed(0);
  else if (a >= 100) s = v.toFixed(1).replace(/\.0$/, '');
  else s = v.toFixed(2).replace(/0$/, '').replace(/\.0?$/, '');
  return s.replace(/-/g, '\u2212');
}

/** A number in a sentence: at most 4 significant digits, a real minus sign. */
export function formatPrecise(v) {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return formatValue(v); // inf / −inf / nan, as the views spell them
  const a = Math.abs(v);
  const s = a >= 1e-4 && a < 1e6 ? String(Number(v.toPrecision(4))) : Number(v.toPrecision(4)).toExponential();
  return s.replace(/-/g, MINUS);
}

/**
 * The shortest decimal that reads back as the same float32 (0.1, not 0.10000000149011612): cell
 * values are float32, and a link holds thousands of them.
 */
export function f32Text(v) {
  const f = Math.fround(v);
  if (!Number.isFinite(f) || (Number.isInteger(f) && Math.abs(f) < 1e15)) return String(f);
  return String(Number(f.toPrecision(f32Digits(f))));
}

/**
 * The fewest significant digits whose decimal reads back as the finite float32 `f` (1 to 9: 9
 * always do, and fewer doing so is monotonic, so a bisection finds it).
 */
export function f32Digits(f) {
  let lo = 1;
  let hi = 9;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Math.fround(Number(f.toPrecision(mid))) === f) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * A float32 value as a Python float literal that reads back as the same float32: the shortest
 * decimal that round-trips, `1.` for integers, `0.` for −0 (as PyTorch prints them).
 * @param {number} v
 * @returns {string}
 */
export function pyFloat(v) {
  if (!Number.isFinite(v)) throw new Error(`pythonCode: non-finite value ${v}`);
  const f = Math.fround(v);
  if (f === 0) return '0.';
  if (Number.isInteger(f) && Math.abs(f) < 1e16) return `${f}.`;
  // the shortest decimal that reads back as this float32 (the digits links use), in Python's spelling
  const s = f.toPrecision(f32Digits(f));
  const [mant, exp] = s.split('e');
  return exp === undefined ? s : `${mant}e${Number(exp)}`;
}

/**
 * A value rounded to `digits` significant digits, for the comments: 27, -0.0034, 1.181, 3.2e-05.
 * @param {number} v
 * @param {number} [digits=4]
 */
export function pyRounded(v, digits = 4) {
  if (v === 0 || Object.is(v, -0)) return '0';
  const a = Math.abs(v);
  if (a >= 1e-4 && a < 1e6) return String(Number(v.toPrecision(digits)));
  return Number(v.toPrecision(digits)).toExponential().replace(/\.?0+e/, 'e');
}

const FLOAT_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parse a typed cell value like Python's float(): NaN, inf and words refused. Returns { ok: true, value } or { ok: false, message }. */
export function parseCellValue(text) {
  // a real minus sign (U+2212), as the page writes negative numbers, counts as '-'
  const s = String(text).trim().replace(/^\u2212/, '-');
  const shown = s.length > 24 ? `${s.slice(0, 24)}…` : s;
  if (/^[+-]?nan$/i.test(s)) return { ok: false, message: 'NaN is not allowed: every value must be finite.' };
  if (/^[+-]?(inf|infinity)$/i.test(s)) return { ok: false, message: `${shown} is not allowed: every value must be finite.` };
  if (!FLOAT_RE.test(s)) return { ok: false, message: `could not convert string to float: '${shown}'` };
  // checked after rounding: 3.4028235e38, the float32 maximum as NumPy prints it, rounds onto it
  const value = Math.fround(Number(s));
  if (!Number.isFinite(value)) return { ok: false, message: `${shown} does not fit in a float32.` };
  return { ok: true, value };
}
