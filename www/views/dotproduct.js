// The dot product of the focused output cell, written out with its numbers:
//   y[0, co, oh, ow] = Σ wᵢ·xᵢ + b = … + … + b = y
// DOM text built from trace.steps (never recomputed here): every term is a span carrying the
// raw w and x as data attributes, the total carries the trace's output value.

import { formatValue } from '../lib/format.js';
import { el, setData, setProp, setText } from '../lib/dom.js';

const MAX_TERMS = 96;


const paren = (v) => (v < 0 ? `(${formatValue(v)})` : formatValue(v));

/** What a dot-product element shows: its parts, kept on the element (symbol-keyed). */
const SHOWN = Symbol('dot product parts');

/** A term's tooltip data, kept on the term's element. */
const TIP = Symbol('term tip');

function tipText({ tap, co, ci, wi }) {
  // wi: the layer's weight index the tap multiplies (mirrored for the true convolution)
  const w = wi[0] === tap.i && wi[1] === tap.j
    ? `weight[${co}, ${ci}, ${tap.i}, ${tap.j}] = ${tap.w}`
    : `flip(w)[${co}, ${ci}, ${tap.i}, ${tap.j}] = weight[${co}, ${ci}, ${wi[0]}, ${wi[1]}] = ${tap.w}`;
  return `${w}\n`
    + (tap.kind === 'padding'
      ? `padding cell (${tap.ph}, ${tap.pw})${tap.ih >= 0 ? ` copying input[0, ${tap.c}, ${tap.ih}, ${tap.iw}]` : ''} = ${tap.x}`
      : `input[0, ${tap.c}, ${tap.ih}, ${tap.iw}] = ${tap.x}`);
}

function showTip(e) {
  const term = e.target instanceof Element ? e.target.closest('.term') : null;
  const tip = term && term[TIP];
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
  const flip = Boolean(model.flip);
  if (flip) notes.push('the footprint’s cell (i, j) times w[kh−1−i, kw−1−j]: the kernel flipped');
  const key = `${Boolean(model.bias)}|${flip}|${hidden}|${items.map(({ tap }) => tap.c).join(',')}`;

  let dom = root[SHOWN];
  if (!dom || dom.key !== key || root.firstChild !== dom.head) {
    if (!dom) root.addEventListener('pointerover', showTip);
    dom = build(root, items, hidden, Boolean(model.bias), flip);
    dom.key = key;
    root[SHOWN] = dom;
  }
  setText(dom.y, `${focus.name ?? 'y'}[0, ${co}, ${focus.oh}, ${focus.ow}]`);
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
    term[TIP] = { tap, co, ci: tap.c - model.groupOfIn(tap.c) * model.cg, wi: model.weightIndex ? model.weightIndex(tap.i, tap.j) : [tap.i, tap.j] };
  });
  setText(dom.sum, formatValue(s.sum));
  if (dom.b) setText(dom.b, paren(s.bias));
  setText(dom.out, formatValue(s.output));
  setText(dom.note, notes.join(' · '));
}

/** New children for `root`: the head, one line per channel with a span per term, the total. */
function build(root, items, hidden, bias, flip) {
  const y = el('span', { class: 'dp-y' });
  const head = el('p', { class: 'dp-head' });
  // the true convolution: each footprint cell n − a times w[a], i.e. times flip(w) where it lies
  head.append(y, flip ? ' = Σₐ x[n − a]·w[a] = Σ flip(w)ᵢ·xᵢ' : ' = Σ wᵢ·xᵢ', bias ? ' + b' : '');

  const termsBox = el('div', { class: 'dp-terms' });
  const terms = [];
  let line = null;
  let lineChannel = -1;
  for (const { tap } of items) {
    if (tap.c !== lineChannel) {
      line = el('div', { class: 'dp-line' });
      line.append(el('span', { class: 'dp-chan', text: `c${tap.c}` }));
      termsBox.append(line);
      lineChannel = tap.c;
    } else {
      line.append(el('span', { class: 'dp-op', text: '+' }));
    }
    const term = el('span', { class: 'term' });
    terms.push(term);
    line.append(term);
  }
  if (hidden > 0) termsBox.append(el('div', { class: 'dp-more', text: `… and ${hidden} more term${hidden === 1 ? '' : 's'}` }));

  const total = el('p', { class: 'dp-total' });
  const sum = el('span', { class: 'dp-sum' });
  const b = bias ? el('span', { class: 'dp-b' }) : null;
  const out = el('span', { class: 'dp-out' });
  // without a bias the sum is the output: written once ("= 27", not "= 27 = 27")
  total.append('= ');
  if (b) total.append(sum, ' + ', b, ' = ');
  total.append(out);
  const note = el('p', { class: 'dp-note' });

  root.replaceChildren(head, termsBox, total, note);
  return { head, y, terms, last: terms.map(() => ({})), sum, b, out, note };
}
