// The timeline: which output cell is current, play / pause / step / scrub / speed, and the one
// requestAnimationFrame loop of the page (never setInterval), which runs only while something
// changes or moves.
//
// Position p runs over every output cell, channel by channel, row-major: p = co·L + oh·W_out + ow.
// While playing, `t` advances by speed·dt (cells per second); the current cell is ⌊t⌋. A move
// starts a short slide so the kernel footprint glides from the previous position to the new one.

export class Timeline {
  constructor() {
    this.length = 1;
    this.t = 0;
    this.playing = false;
    /** Output cells per second. */
    this.speed = 1.5;
    this.prev = 0;
    this.movedAt = -Infinity;
    this.slideMs = 260;
  }

  /** The current cell, 0 ≤ position < length. */
  get position() {
    return Math.min(this.length - 1, Math.max(0, Math.floor(this.t)));
  }

  /** Set the number of positions (after a recompute); keeps the position when it still exists. */
  setLength(n) {
    this.length = Math.max(1, n);
    if (this.t > this.length - 1) this.t = this.length - 1;
    if (this.prev > this.length - 1) this.prev = this.length - 1;
  }

  _moveTo(p, now) {
    const before = this.position;
    this.t = Math.min(this.length - 1, Math.max(0, p));
    if (this.position !== before) {
      this.prev = before;
      this.movedAt = now;
    }
  }

  play(now = performance.now()) {
    if (this.position >= this.length - 1) this._moveTo(0, now);
    this.playing = true;
  }

  pause() {
    this.playing = false;
    this.t = this.position;
  }

  toggle(now = performance.now()) {
    if (this.playing) this.pause();
    else this.play(now);
  }

  /** Step by ±1 cell (pauses). */
  step(delta, now = performance.now()) {
    this.pause();
    this._moveTo(this.position + delta, now);
  }

  /** Jump to a cell (pauses). */
  seek(p, now = performance.now()) {
    this.pause();
    this._moveTo(Math.round(p), now);
  }

  home(now) {
    this.seek(0, now);
  }

  end(now) {
    this.seek(this.length - 1, now);
  }

  /** Advance by dt seconds; returns true when the current cell changed. */
  tick(dt, now) {
    if (!this.playing) return false;
    const before = this.position;
    const t = this.t + dt * this.speed;
    if (t >= this.length - 1) {
      this._moveTo(this.length - 1, now);
      this.playing = false;
    } else {
      this.t = t;
      if (this.position !== before) {
        this.prev = before;
        this.movedAt = now;
      }
    }
    return this.position !== before;
  }

  /** How far the slide from the previous cell has got, 0…1 (1 = arrived). */
  slide(now) {
    const ms = Math.min(this.slideMs, this.playing ? 600 / this.speed : this.slideMs);
    if (ms <= 0) return 1;
    const f = (now - this.movedAt) / ms;
    if (f >= 1) return 1;
    const x = Math.max(0, f);
    return x * x * (3 - 2 * x); // smoothstep
  }
}

/**
 * Run `onFrame(now, dt)` on animation frames while it asks for more: it returns true to get the
 * next frame. An idle page requests none; `wake()` asks for one (a change to show). dt is in
 * seconds and clamped (a background tab must not jump the animation), 0 for the first frame
 * after an idle gap.
 * @returns {{ wake(): void, stop(): void }}
 */
export function startLoop(onFrame) {
  let last = null;
  let handle = 0;
  let stopped = false;
  const frame = (now) => {
    handle = 0;
    if (stopped) return;
    const dt = last === null ? 0 : Math.min(0.1, (now - last) / 1000);
    last = now;
    if (onFrame(now, dt)) handle = requestAnimationFrame(frame);
    else last = null;
  };
  const wake = () => {
    if (!handle && !stopped) handle = requestAnimationFrame(frame);
  };
  wake();
  return {
    wake,
    stop() {
      stopped = true;
      cancelAnimationFrame(handle);
      handle = 0;
    },
  };
}
