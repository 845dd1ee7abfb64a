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

/**
 * A value's label in at most `maxChars` characters (a cell's room): `formatValue(v)` when it
 * fits, else the closest shorter rounding — fewer decimals (−0.43 → −0.4), the leading zero
 * dropped (−.4), then an exponent (123456 → 1e5) — and '' when none fits. A non-zero value is
 * never labelled 0 or −0: no label is better than a wrong one. Integers are exact or exponents.
 * @param {number} v
 * @param {number} maxChars
 * @returns {string}
 */
export function formatFit(v, maxChars) {
  const full = formatValue(v);
  if (full.length <= maxChars) return full;
  if (!Number.isFinite(v) || v === 0 || maxChars < 1) return '';
  const sign = v < 0 ? MINUS : '';
  const a = Math.abs(v);
  const room = maxChars - sign.length;
  if (a < 1e6 && !Number.isInteger(v)) {
    // fixed decimals, most first: 0.43, 0.4; below 1 then without the leading zero (.43, .4),
    // then rounded to a whole number (0.97 → 1). A rounding keeps the leading digit (off by at
    // most half its unit): 0.99 may be 1, 0.6 may not, nor 0.05 0.1, nor any non-zero value 0
    const tolerance = 0.5 * 10 ** Math.floor(Math.log10(a)) * (1 + 1e-9);
    for (const kind of a < 1 ? ['point', 'bare', 'whole'] : ['any']) {
      for (let d = 2; d >= 0; d--) {
        let s = a.toFixed(d);
        if (Math.abs(Number(s) - a) > tolerance) break;
        if (d > 0) s = s.replace(/0+$/, '').replace(/\.$/, '');
        if (kind === 'bare') {
          if (!s.startsWith('0.')) continue;
          s = s.slice(1);
        } else if (kind !== 'any' && s.includes('.') !== (kind === 'point')) continue;
        if (s.length <= room) return sign + s;
      }
    }
  }
  for (let d = 2; d >= 0; d--) {
    // 1.2e5, 1e5, 3e−3: mantissa digits dropped, no '+'
    const [m, e] = a.toExponential(d).split('e');
    const s = `${d > 0 ? m.replace(/\.?0+$/, '') : m}e${Number(e) < 0 ? MINUS + e.slice(1) : e.replace('+', '')}`;
    if (s.length <= room) return sign + s;
  }
  return '';
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
