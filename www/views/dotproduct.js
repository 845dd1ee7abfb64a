// The dot product of the focused output cell, written out with its numbers:
//   y[0, co, oh, ow] = Σ wᵢ·xᵢ + b = … + … + b = y
// DOM text built from trace.steps (never recomputed here): every term is a span carrying the
// raw w and x as data attributes, the total carries the trace's output value.

import { formatValue } from './grid.js';
import { setData, setProp, setText } from '../pages/dom.js';

const MAX_TERMS = 96;

function el(tag, cls, textContent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (textContent !== undefined) e.textContent = textContent;
  return e;
}

const paren = (v) => (v < 0 ? `(${formatValue(v)})` : formatValue(v));

/** The DOM of the last render into a root: its structure key and the nodes updated in place. */
const shown = new WeakMap();

/** What a term's tooltip says, by term: written into its title on pointerover only. */
const tips = new WeakMap();

function tipText({ tap, co, ci }) {
  return `weight[${co}, ${ci}, ${tap.i}, ${tap.j}] = ${tap.w}\n`
    + (tap.kind === 'padding'
      ? `padding cell (${tap.ph}, ${tap.pw})${tap.ih >= 0 ? ` copying input[0, ${tap.c}, ${tap.ih}, ${tap.iw}]` : ''} = ${tap.x}`
      : `input[0, ${tap.c}, ${tap.ih}, ${tap.iw}] = ${tap.x}`);
}

function showTip(e) {
  const term = e.target instanceof Element ? e.target.closest('.term') : null;
  const tip = term && tips.get(term);
  if (tip) setProp(term, 'title', tipText(tip));
}

/**
 * Render into `root`. When the terms have the same layout as the last render into it (same
 * channels, same count — the kernel sliding, or an edit that keeps the kernel), the existing
 * nodes get their new text and data in place; otherwise the children are rebuilt.
 */
export function render(root, model, focus) {
  const s = focus.steps;
  const co = focus.co;
  setData(root, 'outChannel', String(co));
  setData(root, 'oh', String(focus.oh));
  setData(root, 'ow', String(focus.ow));
  setData(root, 'output', String(s.output));
  setData(root, 'sum', String(s.sum));
  setData(root, 'bias', String(s.bias));

  // the terms shown (at most MAX_TERMS), as plain data first
  const items = [];
  let hidden = 0;
  let pads = 0;
  let holes = 0;
  s.taps.forEach((tap, n) => {
    if (tap.kind === 'skip') {
      holes++;
      return;
    }
    if (tap.kind === 'padding') pads++;
    if (items.length >= MAX_TERMS) hidden++;
    else items.push({ tap, n });
  });
  const area = model.kh * model.kw;
  const taps = s.taps.length - holes;
  const notes = [`${taps} term${taps === 1 ? '' : 's'}: ${model.cg} channel${model.cg === 1 ? '' : 's'} × ${area} kernel taps`];
  if (pads) notes.push(`${pads} read the padding halo`);
  if (holes) notes.push(`${holes} dilation hole${holes === 1 ? '' : 's'} skipped`);
  const key = `${Boolean(model.bias)}|${hidden}|${items.map(({ tap }) => tap.c).join(',')}`;

  let dom = shown.get(root);
  if (!dom || dom.key !== key || root.firstChild !== dom.head) {
    if (!dom) root.addEventListener('pointerover', showTip);
    dom = build(root, items, hidden, Boolean(model.bias));
    dom.key = key;
    shown.set(root, dom);
  }
  setText(dom.y, `y[0, ${co}, ${focus.oh}, ${focus.ow}]`);
  // each term's text and data-* compared with what this render wrote last (no DOM reads)
  items.forEach(({ tap, n }, i) => {
    const term = dom.terms[i];
    const last = dom.last[i];
    const text = `${paren(tap.w)}·${paren(tap.x)}`;
    if (last.text !== text) {
      if (term.firstChild) term.firstChild.data = text;
      else term.textContent = text;
      last.text = text;
    }
    const pad = tap.kind === 'padding';
    if (last.pad !== pad) term.classList.toggle('term-pad', (last.pad = pad));
    const put = (k, v) => {
      if (last[k] !== v) term.dataset[k] = last[k] = v;
    };
    put('w', String(tap.w));
    put('x', String(tap.x));
    put('kind', tap.kind);
    put('tap', String(n));
    put('row', String((tap.c * model.kh + tap.i) * model.kw + tap.j));
    // the tooltip is written when the pointer reaches the term (a title change restyles it)
    tips.set(term, { tap, co, ci: tap.c - model.groupOfIn(tap.c) * model.cg });
  });
  setText(dom.sum, formatValue(s.sum));
  if (dom.b) setText(dom.b, paren(s.bias));
  setText(dom.out, formatValue(s.output));
  setText(dom.note, notes.join(' · '));
}

/** New children for `root`: the head, one line per channel with a span per term, the total. */
function build(root, items, hidden, bias) {
  const y = el('span', 'dp-y');
  const head = el('p', 'dp-head');
  head.append(y, ' = Σ wᵢ·xᵢ', bias ? ' + b' : '');

  const termsBox = el('div', 'dp-terms');
  const terms = [];
  let line = null;
  let lineChannel = -1;
  for (const { tap } of items) {
    if (tap.c !== lineChannel) {
      line = el('div', 'dp-line');
      line.append(el('span', 'dp-chan', `c${tap.c}`));
      termsBox.append(line);
      lineChannel = tap.c;
    } else {
      line.append(el('span', 'dp-op', '+'));
    }
    const term = el('span', 'term');
    terms.push(term);
    line.append(term);
  }
  if (hidden > 0) termsBox.append(el('div', 'dp-more', `… and ${hidden} more term${hidden === 1 ? '' : 's'}`));

  const total = el('p', 'dp-total');
  const sum = el('span', 'dp-sum');
  const b = bias ? el('span', 'dp-b') : null;
  const out = el('span', 'dp-out');
  total.append('= ', sum);
  if (b) total.append(' + ', b);
  total.append(' = ', out);
  const note = el('p', 'dp-note');

  root.replaceChildren(head, termsBox, total, note);
  return { head, y, terms, last: terms.map(() => ({})), sum, b, out, note };
}
