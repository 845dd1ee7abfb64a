// views/recorder.js: what a view draws on the Recorder reaches the canvas's context exactly (same
// calls, same arguments, same state), and only when the picture differs from the one shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder } from '../../www/views/recorder.js';

/** A 2D context that logs every call and property write. */
function fakeContext() {
  const log = [];
  const ctx = { canvas: {}, font: '10px sans-serif', log };
  for (const name of ['setTransform', 'clearRect', 'fillRect', 'strokeRect', 'beginPath', 'closePath', 'moveTo', 'lineTo',
    'rect', 'arc', 'fill', 'stroke', 'clip', 'save', 'restore', 'setLineDash', 'fillText', 'drawImage']) {
    ctx[name] = (...args) => log.push([name, ...args]);
  }
  ctx.measureText = (s) => ({ width: s.length, font: ctx.font });
  return new Proxy(ctx, {
    set(o, k, v) {
      if (k !== 'log') log.push([`=${String(k)}`, v]);
      o[k] = v;
      return true;
    },
  });
}

const image = { width: 4, height: 4 };
/** A frame of a view: every kind of call, fractional numbers, strings, an image, a dash. */
function draw(r, { x = 10.25, text = 'x = 1.5', dash = [4, 2] } = {}) {
  r.begin();
  r.setTransform(2, 0, 0, 2, 0, 0);
  r.clearRect(0, 0, 100, 50);
  r.fillStyle = '#336699';
  r.fillRect(x, 3.5, 7, 8);
  r.beginPath();
  r.moveTo(0.5, 0.5);
  r.lineTo(x, 20.75);
  r.arc(5, 5, 3, 0, Math.PI * 2);
  r.setLineDash(dash);
  r.lineWidth = 1.5;
  r.stroke();
  r.setLineDash([]);
  r.font = '12px monospace';
  r.textAlign = 'center';
  r.fillText(text, 4, 9.5);
  r.imageSmoothingEnabled = false;
  r.drawImage(image, 0, 0, 4, 4, 1.5, 2.5, 40, 40);
  r.drawImage(image, 3, 4);
  return r.end();
}

const EXPECTED = [
  ['setTransform', 2, 0, 0, 2, 0, 0], ['clearRect', 0, 0, 100, 50], ['=fillStyle', '#336699'], ['fillRect', 10.25, 3.5, 7, 8],
  ['beginPath'], ['moveTo', 0.5, 0.5], ['lineTo', 10.25, 20.75], ['arc', 5, 5, 3, 0, Math.PI * 2], ['setLineDash', [4, 2]],
  ['=lineWidth', 1.5], ['stroke'], ['setLineDash', []], ['=font', '12px monospace'], ['=textAlign', 'center'],
  ['fillText', 'x = 1.5', 4, 9.5], ['=imageSmoothingEnabled', false], ['drawImage', image, 0, 0, 4, 4, 1.5, 2.5, 40, 40],
  ['drawImage', image, 3, 4],
];

test('a frame is played onto the context exactly: calls, arguments, property writes, in order', () => {
  const ctx = fakeContext();
  const r = new Recorder(ctx);
  assert.equal(draw(r), true);
  assert.deepEqual(ctx.log, EXPECTED);
  // the recorder answers what was set, like a context
  assert.equal(r.font, '12px monospace');
  assert.equal(r.lineWidth, 1.5);
});

test('the same picture again is not played; any change is, and so is anything after a reset', () => {
  const ctx = fakeContext();
  const r = new Recorder(ctx);
  draw(r);
  for (let i = 0; i < 3; i++) assert.equal(draw(r), false, 'an unchanged frame touches the canvas');
  const n = ctx.log.length;
  assert.equal(draw(r, { x: 10.5 }), true, 'a number changed');
  assert.deepEqual(ctx.log.slice(n)[3], ['fillRect', 10.5, 3.5, 7, 8]);
  assert.equal(draw(r, { x: 10.5 }), false);
  assert.equal(draw(r, { x: 10.5, text: 'x = 2' }), true, 'a string changed');
  assert.equal(draw(r, { x: 10.5, text: 'x = 2', dash: [4, 3] }), true, 'a dash pattern changed');
  assert.equal(draw(r, { x: 10.5, text: 'x = 2', dash: [4, 3] }), false, 'equal dash arrays compare equal');
  r.reset();
  assert.equal(draw(r, { x: 10.5, text: 'x = 2', dash: [4, 3] }), true, 'after a reset (the canvas was cleared)');
  // a shorter and a longer recording
  r.begin();
  r.fillRect(1, 2, 3, 4);
  assert.equal(r.end(), true);
  r.begin();
  r.fillRect(1, 2, 3, 4);
  assert.equal(r.end(), false);
  assert.equal(draw(r), true);
  assert.deepEqual(ctx.log.slice(-EXPECTED.length), EXPECTED);
});

test('NaN never compares equal (such a frame is played again); long recordings grow the buffers', () => {
  const ctx = fakeContext();
  const r = new Recorder(ctx);
  const frame = (n, v) => {
    r.begin();
    for (let i = 0; i < n; i++) r.lineTo(i + 0.5, v);
    return r.end();
  };
  assert.equal(frame(3, NaN), true);
  assert.equal(frame(3, NaN), true);
  assert.equal(frame(5000, 1.25), true); // 10,000 numbers: past the first Float64Array
  assert.equal(frame(5000, 1.25), false);
  assert.deepEqual(ctx.log.at(-1), ['lineTo', 4999.5, 1.25]);
  assert.equal(ctx.log.filter((c) => c[0] === 'lineTo').length, 3 + 3 + 5000);
});

test('measureText measures in the recorded font and puts the canvas font back', () => {
  const ctx = fakeContext();
  const r = new Recorder(ctx);
  r.begin();
  r.font = '20px serif';
  const m = r.measureText('abc');
  assert.equal(m.font, '20px serif');
  assert.equal(ctx.font, '10px sans-serif');
  r.end();
  assert.equal(ctx.font, '20px serif');
});
