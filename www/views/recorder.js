// A stand-in for a canvas's 2D context that records what a view draws and plays it onto the
// canvas only when it differs from what the canvas shows. A canvas drawn in a frame costs the
// browser its rasterisation and a copy into a compositor resource at the commit, and an edit often
// leaves a view's picture as it was (the weights when the stride moves): those frames now cost the
// recording only. Views draw on it exactly as on a CanvasRenderingContext2D (the subset they use).

import { imageStamp } from './grid.js';

// opcodes: [op, ...args] in one flat array; a state property is a "set" op
const SET = 0;
const CALL = 1;

/** The methods views call (recorded with their arguments, played back by name). */
const METHODS = [
  'setTransform', 'clearRect', 'fillRect', 'strokeRect', 'beginPath', 'closePath', 'moveTo', 'lineTo',
  'rect', 'arc', 'fill', 'stroke', 'clip', 'save', 'restore', 'setLineDash', 'fillText',
];
/** The state properties views set. */
const PROPS = [
  'fillStyle', 'strokeStyle', 'lineWidth', 'font', 'textAlign', 'textBaseline', 'globalAlpha',
  'imageSmoothingEnabled',
];

export class Recorder {
  /** @param {CanvasRenderingContext2D} ctx the canvas's own context */
  constructor(ctx) {
    this.target = ctx;
    this.canvas = ctx.canvas;
    this.ops = [];
    /** The recording the canvas shows (null: unknown, e.g. after a resize cleared it). */
    this.shown = null;
    /** The font the canvas's context has after the last playback (measureText borrows it). */
    this.targetFont = ctx.font;
    this.state = {};
  }

  /** The canvas was cleared (resized): the next recording is played whatever it holds. */
  reset() {
    this.shown = null;
    this.targetFont = this.target.font;
  }

  /** Start recording a frame. */
  begin() {
    this.ops = [];
  }

  /**
   * End the frame: play the recording onto the canvas when it differs from what the canvas shows.
   * Returns whether it was played.
   */
  end() {
    const ops = this.ops;
    const last = this.shown;
    if (last && last.length === ops.length) {
      let same = true;
      for (let i = 0; i < ops.length; i++) {
        if (ops[i] !== last[i]) {
          same = false;
          break;
        }
      }
      if (same) return false;
    }
    const ctx = this.target;
    for (let i = 0; i < ops.length;) {
      const kind = ops[i];
      const name = ops[i + 1];
      if (kind === SET) {
        ctx[name] = ops[i + 2];
        i += 3;
      } else if (name === 'setLineDash') {
        ctx.setLineDash(ops[i + 3] === '' ? [] : ops[i + 3].split(',').map(Number));
        i += 4;
      } else if (name === 'drawImage') {
        const n = ops[i + 2];
        ctx.drawImage(...ops.slice(i + 3, i + 3 + n));
        i += 4 + n; // the image's stamp follows its arguments
      } else {
        const n = ops[i + 2];
        switch (n) {
          case 0: ctx[name](); break;
          case 1: ctx[name](ops[i + 3]); break;
          case 2: ctx[name](ops[i + 3], ops[i + 4]); break;
          case 3: ctx[name](ops[i + 3], ops[i + 4], ops[i + 5]); break;
          case 4: ctx[name](ops[i + 3], ops[i + 4], ops[i + 5], ops[i + 6]); break;
          default: ctx[name](...ops.slice(i + 3, i + 3 + n));
        }
        i += 3 + n;
      }
    }
    this.shown = ops;
    this.targetFont = ctx.font;
    return true;
  }

  drawImage(...args) {
    this.ops.push(CALL, 'drawImage', args.length, ...args, imageStamp(args[0]));
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

for (const name of METHODS) {
  Recorder.prototype[name] = function record(...args) {
    // a dash pattern is an array: recorded as its values, so that equal patterns compare equal
    if (name === 'setLineDash') {
      this.ops.push(CALL, 'setLineDash', 1, args[0].join());
      return;
    }
    this.ops.push(CALL, name, args.length, ...args);
  };
}
for (const name of PROPS) {
  Object.defineProperty(Recorder.prototype, name, {
    get() {
      return this.state[name];
    },
    set(v) {
      this.state[name] = v;
      this.ops.push(SET, name, v);
    },
  });
}
