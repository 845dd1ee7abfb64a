// A stand-in for a canvas's 2D context that records what a view draws and plays it onto the
// canvas only when it differs from what the canvas shows. A canvas drawn in a frame costs the
// browser its rasterisation and a copy into a compositor resource at the commit, and an edit often
// leaves a view's picture as it was (the weights when the stride moves): those frames now cost the
// recording only. Views draw on it exactly as on a CanvasRenderingContext2D (the subset they use).
//
// A recording is a Tape of three growable buffers that are reused frame after frame (two tapes per
// canvas: the one on screen and the one being recorded, swapped when the new one is played), so
// that recording allocates nothing per frame: per call, two int32 codes (the operation with its
// argument count, and a bit mask of which arguments are not numbers), its numbers in a Float64Array
// and its other arguments (strings, images) in a plain array. Storing numbers in a plain array
// would box every fractional coordinate on the heap (a 64×64 grid's lines alone are ~500 of them).

import { imageStamp, paintOf } from './grid.js';

/** The methods views call (recorded with their arguments, played back by name). */
const METHODS = [
  'setTransform', 'clearRect', 'fillRect', 'strokeRect', 'beginPath', 'closePath', 'moveTo', 'lineTo',
  'rect', 'arc', 'fill', 'stroke', 'clip', 'save', 'restore', 'setLineDash', 'fillText', 'drawImage',
];
/** The state properties views set (operations METHODS.length + i, one argument). */
const PROPS = [
  'fillStyle', 'strokeStyle', 'lineWidth', 'font', 'textAlign', 'textBaseline', 'globalAlpha',
  'imageSmoothingEnabled',
];
const NAMES = [...METHODS, ...PROPS];
const DASH = METHODS.indexOf('setLineDash');
const IMAGE = METHODS.indexOf('drawImage');
/** The most arguments a recorded call has (drawImage with a source and a destination rectangle). */
const MAX_ARGS = 9;

/** One recording: its buffers (grown by doubling, never shrunk) and how much of each it uses. */
class Tape {
  constructor() {
    this.codes = new Int32Array(256);
    this.nums = new Float64Array(1024);
    this.refs = [];
    this.nc = 0;
    this.nn = 0;
    this.nr = 0;
  }

  clear() {
    // references past the end of a much shorter recording are let go (images, long strings)
    if (this.refs.length > 2 * this.nr + 256) this.refs.length = this.nr;
    this.nc = 0;
    this.nn = 0;
    this.nr = 0;
  }

  /** Start a call of operation `op` with `argc` arguments (room for them and a stamp). */
  open(op, argc) {
    if (this.nc + 2 > this.codes.length) this.codes = grown(this.codes, this.nc + 2);
    if (this.nn + argc + 1 > this.nums.length) this.nums = grown(this.nums, this.nn + argc + 1);
    this.codes[this.nc] = op | (argc << 8);
    this.codes[this.nc + 1] = 0;
    this.nc += 2;
  }

  /** Argument `k` of the call just opened. */
  arg(x, k) {
    if (typeof x === 'number') {
      this.nums[this.nn++] = x;
    } else {
      this.refs[this.nr++] = x;
      this.codes[this.nc - 1] |= 1 << k;
    }
  }

  /** Whether it records exactly what `o` records (NaN never equals: such a frame is replayed). */
  sameAs(o) {
    if (this.nc !== o.nc || this.nn !== o.nn || this.nr !== o.nr) return false;
    const { codes, nums, refs } = this;
    for (let i = 0; i < this.nc; i++) if (codes[i] !== o.codes[i]) return false;
    for (let i = 0; i < this.nn; i++) if (nums[i] !== o.nums[i]) return false;
    for (let i = 0; i < this.nr; i++) if (refs[i] !== o.refs[i]) return false;
    return true;
  }
}

function grown(a, need) {
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new a.constructor(n);
  b.set(a);
  return b;
}

export class Recorder {
  /** @param {CanvasRenderingContext2D} ctx the canvas's own context */
  constructor(ctx) {
    this.target = ctx;
    this.canvas = ctx.canvas;
    /** The recording being made. */
    this.tape = new Tape();
    /** The recording the canvas shows (its buffers are the next frame's when it is replaced). */
    this.shownTape = new Tape();
    /** Whether shownTape is what the canvas shows (false: unknown, e.g. after a resize cleared it). */
    this.shownValid = false;
    /** The font the canvas's context has after the last playback (measureText borrows it). */
    this.targetFont = ctx.font;
    this.state = {};
    /** Playback's argument list, reused. */
    this.argv = new Array(MAX_ARGS).fill(0);
  }

  /** The canvas was cleared (resized): the next recording is played whatever it holds. */
  reset() {
    this.shownValid = false;
    this.targetFont = this.target.font;
  }

  /** Start recording a frame. */
  begin() {
    this.tape.clear();
  }

  /**
   * End the frame: play the recording onto the canvas when it differs from what the canvas shows.
   * Returns whether it was played.
   */
  end() {
    const tape = this.tape;
    if (this.shownValid && tape.sameAs(this.shownTape)) return false;
    const ctx = this.target;
    const { codes, nums, refs, nc } = tape;
    const a = this.argv;
    let inum = 0;
    let iref = 0;
    for (let c = 0; c < nc; c += 2) {
      const op = codes[c] & 255;
      const argc = codes[c] >> 8;
      const mask = codes[c + 1];
      for (let k = 0; k < argc; k++) a[k] = (mask >> k) & 1 ? refs[iref++] : nums[inum++];
      if (op >= METHODS.length) {
        ctx[NAMES[op]] = a[0];
        continue;
      }
      if (op === IMAGE) inum++; // the image's stamp (compared, not passed)
      if (op === DASH) {
        ctx.setLineDash(a[0] === '' ? [] : a[0].split(',').map(Number));
        continue;
      }
      const name = NAMES[op];
      switch (argc) {
        case 0: ctx[name](); break;
        case 1: ctx[name](a[0]); break;
        case 2: ctx[name](a[0], a[1]); break;
        case 3: ctx[name](a[0], a[1], a[2]); break;
        case 4: ctx[name](a[0], a[1], a[2], a[3]); break;
        case 5: ctx[name](a[0], a[1], a[2], a[3], a[4]); break;
        case 6: ctx[name](a[0], a[1], a[2], a[3], a[4], a[5]); break;
        case 7: ctx[name](a[0], a[1], a[2], a[3], a[4], a[5], a[6]); break;
        case 8: ctx[name](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]); break;
        default: ctx[name](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
      }
    }
    for (let k = 0; k < MAX_ARGS; k++) a[k] = 0; // hold no image or string past the playback
    // the recording is now what the canvas shows; the old one's buffers record the next frame
    this.tape = this.shownTape;
    this.shownTape = tape;
    this.shownValid = true;
    this.targetFont = ctx.font;
    return true;
  }

  /** Measured in the recorded font, on the canvas's context (its own font put back). */
  measureText(s) {
    const ctx = this.target;
    const font = this.state.font ?? this.targetFont;
    if (font === this.targetFont) return ctx.measureText(s);
    ctx.font = font;
    const m = ctx.measureText(s);
    ctx.font = this.targetFont;
    return m;
  }
}

/** A recording method: fixed parameters and `arguments.length` (no rest array per call). */
function method(op) {
  if (op === DASH) {
    // a dash pattern is an array: recorded as its values, so that equal patterns compare equal
    return function setLineDash(pattern) {
      this.tape.open(op, 1);
      this.tape.arg(pattern.join(), 0);
    };
  }
  return function record(a, b, c, d, e, f, g, h, i) {
    const n = arguments.length;
    if (n > MAX_ARGS) throw new Error(`Recorder: ${NAMES[op]} with ${n} arguments`);
    const t = this.tape;
    t.open(op, n);
    if (n > 0) t.arg(a, 0);
    if (n > 1) t.arg(b, 1);
    if (n > 2) t.arg(c, 2);
    if (n > 3) t.arg(d, 3);
    if (n > 4) t.arg(e, 4);
    if (n > 5) t.arg(f, 5);
    if (n > 6) t.arg(g, 6);
    if (n > 7) t.arg(h, 7);
    if (n > 8) t.arg(i, 8);
    // an image is compared by its paint stamp too (the same canvas repainted is a new picture)
    if (op === IMAGE) t.nums[t.nn++] = imageStamp(paintOf(this), a);
  };
}
METHODS.forEach((name, op) => {
  Recorder.prototype[name] = method(op);
});
PROPS.forEach((name, i) => {
  const op = METHODS.length + i;
  Object.defineProperty(Recorder.prototype, name, {
    get() {
      return this.state[name];
    },
    set(v) {
      this.state[name] = v;
      this.tape.open(op, 1);
      this.tape.arg(v, 0);
    },
  });
});
