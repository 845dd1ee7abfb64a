// The dot product of the focused output cell, written out with its numbers:
//   y[0, co, oh, ow] = Σ wᵢ·xᵢ + b = … + … + b = y
// DOM text built from trace.steps (never recomputed here): every term is a span carrying the
// raw w and x as data attributes, the total carries the trace's output value.

import { formatValue } from './grid.js';

const MAX_TERMS = 96;

function el(tag, cls, textContent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (textContent !== undefined) e.textContent = textContent;
  return e;
}

const paren = (v) => (v < 0 ? `(${formatValue(v)})` : formatValue(v));

/** Render into `root` (replaces its children). */
export function render(root, model, focus) {
  const s = focus.steps;
  const co = focus.co;
  root.dataset.outChannel = String(co);
  root.dataset.oh = String(focus.oh);
  root.dataset.ow = String(focus.ow);
  root.dataset.output = String(s.output);
  root.dataset.sum = String(s.sum);
  root.dataset.bias = String(s.bias);

  const head = el('p', 'dp-head');
  head.append(el('span', 'dp-y', `y[0, ${co}, ${focus.oh}, ${focus.ow}]`), ' = Σ wᵢ·xᵢ', model.bias ? ' + b' : '');

  const terms = el('div', 'dp-terms');
  let line = null;
  let lineChannel = -1;
  let shown = 0;
  let hidden = 0;
  let pads = 0;
  let holes = 0;
  const area = model.kh * model.kw;
  s.taps.forEach((tap, n) => {
    if (tap.kind === 'skip') {
      holes++;
      return;
    }
    if (tap.kind === 'padding') pads++;
    if (shown >= MAX_TERMS) {
      hidden++;
      return;
    }
    if (tap.c !== lineChannel) {
      line = el('div', 'dp-line');
      line.append(el('span', 'dp-chan', `c${tap.c}`));
      terms.append(line);
      lineChannel = tap.c;
    } else {
      line.append(el('span', 'dp-op', '+'));
    }
    const term = el('span', `term${tap.kind === 'padding' ? ' term-pad' : ''}`, `${paren(tap.w)}·${paren(tap.x)}`);
    term.dataset.w = String(tap.w);
    term.dataset.x = String(tap.x);
    term.dataset.kind = tap.kind;
    term.dataset.tap = String(n);
    term.dataset.row = String((tap.c * model.kh + tap.i) * model.kw + tap.j);
    term.title = `weight[${co}, ${tap.c - model.groupOfIn(tap.c) * model.cg}, ${tap.i}, ${tap.j}] = ${tap.w}\n`
      + (tap.kind === 'padding'
        ? `padding cell (${tap.ph}, ${tap.pw})${tap.ih >= 0 ? ` copying input[0, ${tap.c}, ${tap.ih}, ${tap.iw}]` : ''} = ${tap.x}`
        : `input[0, ${tap.c}, ${tap.ih}, ${tap.iw}] = ${tap.x}`);
    line.append(term);
    shown++;
  });
  if (hidden > 0) terms.append(el('div', 'dp-more', `… and ${hidden} more term${hidden === 1 ? '' : 's'}`));

  const total = el('p', 'dp-total');
  total.append('= ', el('span', 'dp-sum', formatValue(s.sum)));
  if (model.bias) total.append(' + ', el('span', 'dp-b', paren(s.bias)));
  total.append(' = ', el('span', 'dp-out', formatValue(s.output)));

  const notes = [];
  const taps = s.taps.length - holes;
  notes.push(`${taps} term${taps === 1 ? '' : 's'}: ${model.cg} channel${model.cg === 1 ? '' : 's'} × ${area} kernel taps`);
  if (pads) notes.push(`${pads} read the padding halo`);
  if (holes) notes.push(`${holes} dilation hole${holes === 1 ? '' : 's'} skipped`);
  const note = el('p', 'dp-note', notes.join(' · '));

  root.replaceChildren(head, terms, total, note);
}
