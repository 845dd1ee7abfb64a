// Controls, built from the parameter table (params.js); they only ever write to the store.
//
// Each parameter gets a text field labelled with its PyTorch name (typed exactly as in Python:
// `2`, `2, 1`, `'same'`) and, for numbers, one slider per axis whose reachable values come from
// bounds.js — so dragging can never produce an invalid convolution, while typing can, and then
// the wasm core's PyTorch-like message appears beside the field. A typed value applies only once
// complete (Enter, Tab / blur, or a pause with text that reads as a value): never a prefix of it.
// A slider pinned to one value says why (pinnedReason).

import { PARAMS, PARAM } from '../lib/params.js';
import { parseParam, formatParam, IMAGE_MAX_SIDE, imageActive } from '../lib/state.js';
import { setText, setProp, setAttr, setData, el } from '../lib/dom.js';
import { PASTED } from '../lib/tensors.js';

const AXES = [
  ['h', 'height'],
  ['w', 'width'],
];

/**
 * Build the controls into `form`.
 * @returns {{ sync(state, sliderValues|null): void, showError(name, message): void, clearErrors(): void,
 *             setMode(mode): void, spotlight(names: string[]|null): void }}
 */
export function buildControls(form, store, { prefix, listen, own }) {
  const controls = new Map();
  for (const p of PARAMS) {
    const c = buildOne(p, store, prefix, listen, own);
    controls.set(p.name, c);
    form.append(c.root);
  }
  listen(form, 'submit', (e) => e.preventDefault());
  let shown = null;

  return {
    sync(state, values) {
      for (const c of controls.values()) c.sync(state, values);
    },
    showError(name, message) {
      const target = controls.has(name) ? name : 'kernel_size';
      for (const [n, c] of controls) c.setError(n === target ? message : null);
      if (shown !== `${target}:${message}`) controls.get(target).root.scrollIntoView({ block: 'nearest' });
      shown = `${target}:${message}`;
    },
    clearErrors() {
      for (const c of controls.values()) c.setError(null);
      shown = null;
    },
    /** Show only the arguments the mode takes (the others keep their values for later). */
    setMode(mode) {
      for (const p of PARAMS) setProp(controls.get(p.name).root, 'hidden', !mode.params.includes(p.name));
      form.classList.toggle('numeric-padding', mode.numericPadding);
      form.classList.toggle('one-axis', Boolean(mode.oneAxis));
    },
    /** Show only the named arguments (a lesson step's: `.spotlit` hides the rest), or all again (null). */
    spotlight(names) {
      for (const [n, c] of controls) c.root.toggleAttribute('data-spotlight', Boolean(names && names.includes(n)));
      form.classList.toggle('spotlit', Boolean(names));
    },
  };
}

/**
 * One parameter's control. Its parts and what it shows live in one record, `ctl`, shared by its
 * listeners and its sync: `syntaxError` is the field's refused text (it outranks the wasm core's
 * `wasmError`); the numeric kinds add more (buildNumeric).
 */
function buildOne(p, store, prefix, listen, own) {
  const id = `${prefix}param-${p.name}`;
  const root = el('div', { class: `ctl ctl-${p.kind}`, 'data-param': p.name });
  const help = el('p', { class: 'ctl-help', id: `${id}-help`, text: p.help });
  const error = el('p', { class: 'ctl-error', id: `${id}-error`, role: 'alert', hidden: true });
  const ctl = { p, store, id, root, help, error, field: null, syntaxError: null, wasmError: null };
  if (p.kind === 'bool' || p.kind === 'choice') return buildPicker(ctl, listen);
  return buildNumeric(ctl, listen, own);
}

/** Show a control's message, if any: the refused text's before the wasm core's. */
function showErrors(ctl) {
  const msg = ctl.syntaxError ?? ctl.wasmError;
  setText(ctl.error, msg ?? '');
  setProp(ctl.error, 'hidden', !msg);
  ctl.root.classList.toggle('has-error', Boolean(msg));
  if (ctl.field) setAttr(ctl.field, 'aria-invalid', msg ? 'true' : 'false');
}

/** A checkbox (bool) or a select of PyTorch's strings (choice): one field, no sliders. */
function buildPicker(ctl, listen) {
  const { p, store, id, root } = ctl;
  let field;
  if (p.kind === 'bool') {
    field = el('input', { type: 'checkbox', id, 'aria-describedby': `${id}-help ${id}-error` });
    listen(field, 'change', () => store.setParam(p.name, field.checked));
  } else {
    field = el('select', { id, 'aria-describedby': `${id}-help ${id}-error` });
    for (const c of p.choices) field.append(el('option', { value: c, text: `'${c}'` }));
    listen(field, 'change', () => store.setParam(p.name, field.value));
  }
  ctl.field = field;
  root.append(el('div', { class: 'ctl-head' }, el('label', { for: id, class: 'ctl-name', text: p.label }), field), ctl.help, ctl.error);
  return {
    root,
    sync(state) {
      if (p.kind === 'bool') setProp(field, 'checked', Boolean(state.params[p.name]));
      else setProp(field, 'value', state.params[p.name]);
    },
    setError(msg) {
      ctl.wasmError = msg;
      showErrors(ctl);
    },
  };
}

/**
 * A number argument: a text field + one slider per axis, and per kind the halo kind radios
 * (padding), a None button (size) and a note (size, output_padding). `ctl` gains: `editing` (the
 * field has focus: sync leaves its text alone), `current` (the value last synced), `lastExplicit`
 * (the padding amounts 'numbers' goes back to), `sliders`, `kindRadios`, `noneButton`, `note`, and
 * `synced` (what the last sync showed).
 */
function buildNumeric(ctl, listen, own) {
  const { p, id, root } = ctl;
  ctl.field = el('input', {
    type: 'text',
    id,
    class: 'ctl-field',
    inputmode: p.kind === 'int' ? 'numeric' : 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${id}-help ${id}-error`,
  });
  Object.assign(ctl, { editing: false, pause: 0, current: null, lastExplicit: [0, 0], sliders: [], synced: '' });
  listenField(ctl, listen, own);

  const head = el('div', { class: 'ctl-head' }, el('label', { for: id, class: 'ctl-name', text: p.label }), ctl.field);
  root.append(head);
  ctl.kindRadios = p.kind === 'padding' ? buildKindRadios(ctl, listen) : null;
  if (ctl.kindRadios) root.append(ctl.kindRadios);
  ctl.noneButton = p.kind === 'size' ? buildNoneButton(ctl, listen) : null;
  if (ctl.noneButton) head.append(ctl.noneButton);
  ctl.note = p.kind === 'size' || p.name === 'output_padding'
    ? el('p', { class: 'ctl-note', id: `${id}-note`, 'aria-live': 'polite' })
    : null;

  // why the sliders are greyed out, when they are (pinnedReason): visible, and their description
  ctl.why = el('p', { class: 'ctl-why', id: `${id}-why`, hidden: true });
  const sliderBox = el('div', { class: 'ctl-sliders' });
  // a stack of layers is typed only (no slider)
  const axes = p.kind === 'int' || p.kind === 'optint' ? [null] : p.kind === 'layers' ? [] : [0, 1];
  for (const axis of axes) ctl.sliders.push(buildSlider(ctl, axis, sliderBox, listen));
  root.append(sliderBox, ctl.why);
  if (ctl.note) root.append(ctl.note);
  root.append(ctl.help, ctl.error);
  return {
    root,
    sync(state, values) {
      syncNumeric(ctl, state, values);
    },
    setError(msg) {
      ctl.wasmError = msg;
      showErrors(ctl);
    },
  };
}

/** How long typing must pause before a complete value applies (ms). */
const TYPING_PAUSE = 700;

/**
 * Read the field's text. `final` (Enter, Tab, blur): a value it reads as goes to the store, a
 * refusal is shown under this field. Not final (a pause in typing): only a value it reads as
 * completely applies, and a refusal is shown only when typing more cannot mend it (a number past
 * the cap); text that may still be half typed (`2.`, `(3,`) stays unreported until committed.
 */
function commitText(ctl, final) {
  const { p, field, store } = ctl;
  clearTimeout(ctl.pause);
  let r = parseParam(p.name, field.value);
  if (!r.ok && (p.name === 'height' || p.name === 'width')) {
    // an image input's own side (past the table's caps) typed back as it is: nothing to refuse
    const wide = parseParam(p.name, field.value, { [p.name]: IMAGE_MAX_SIDE });
    if (wide.ok && wide.value === store.state.params[p.name]) r = wide;
  }
  if (r.ok) {
    ctl.syntaxError = null;
    showErrors(ctl);
    // a blank output_size means None: once committed, the field says so
    if (final && field.value.trim() === '') field.value = formatParam(p.name, r.value);
    store.setParam(p.name, r.value);
  } else if (final || r.tooLarge) {
    ctl.syntaxError = r.message;
    showErrors(ctl);
  }
}

/**
 * The text field's listeners. Typing changes nothing (a prefix of `99` is `9`): each keystroke
 * hides the message about the text it replaced and restarts the pause; a pause, Enter, change and
 * blur commit (commitText). The pending pause is dropped with the app (`own`).
 */
function listenField(ctl, listen, own) {
  const { field } = ctl;
  own(() => clearTimeout(ctl.pause));
  listen(field, 'focus', () => {
    ctl.editing = true;
  });
  listen(field, 'input', () => {
    if (ctl.syntaxError) {
      ctl.syntaxError = null;
      showErrors(ctl);
    }
    clearTimeout(ctl.pause);
    ctl.pause = setTimeout(() => commitText(ctl, false), TYPING_PAUSE);
  });
  listen(field, 'change', () => commitText(ctl, true));
  listen(field, 'blur', () => {
    ctl.editing = false;
    commitText(ctl, true);
  });
  listen(field, 'keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commitText(ctl, true);
    }
  });
}

/** padding's kind: explicit amounts, or PyTorch's strings. */
function buildKindRadios(ctl, listen) {
  const { id, store } = ctl;
  // (named "halo kind", not "padding …": getByLabel('padding') must find the field alone)
  const kindRadios = el('div', { class: 'ctl-kinds', role: 'radiogroup', 'aria-label': 'halo kind' });
  for (const [value, text] of [['explicit', 'numbers'], ['same', "'same'"], ['valid', "'valid'"]]) {
    const rid = `${id}-kind-${value}`;
    const radio = el('input', { type: 'radio', name: `${id}-kind`, id: rid, value });
    listen(radio, 'change', () => {
      if (!radio.checked) return;
      if (value === 'explicit') store.setParam('padding', ctl.lastExplicit);
      else store.setParam('padding', value);
    });
    kindRadios.append(el('span', { class: 'ctl-kind' }, radio, el('label', { for: rid, text })));
  }
  return kindRadios;
}

/** A size's None button (output_size=None). */
function buildNoneButton(ctl, listen) {
  const { p, store } = ctl;
  const noneButton = el('button', { type: 'button', class: 'ctl-none', text: 'None', title: `${p.name}=None` });
  listen(noneButton, 'click', () => {
    ctl.syntaxError = null;
    showErrors(ctl);
    store.setParam(p.name, null);
  });
  return noneButton;
}

/**
 * One slider row into `box`, for `axis` (null: the argument's one int; 0 / 1: height / width).
 * Its positions index `values`, the reachable values sync hands it, so dragging stays valid.
 */
function buildSlider(ctl, axis, box, listen) {
  const { p, field, store } = ctl;
  const range = el('input', {
    type: 'range',
    min: 0,
    max: 0,
    step: 1,
    value: 0,
    class: 'ctl-range',
    title: axis === null ? `${p.label} slider` : `${p.name} ${AXES[axis][1]} slider`,
  });
  // its name (a tooltip alone is not a label); the visible label is the field's, above it
  range.setAttribute('aria-label', range.title);
  range.setAttribute('aria-describedby', [`${ctl.id}-why`, ctl.note ? ctl.note.id : ''].join(' ').trim());
  const readout = el('output', { class: 'ctl-readout' });
  const row = el('div', { class: 'ctl-slider', 'data-axis': axis === null ? '' : String(axis) });
  if (axis !== null) row.append(el('span', { class: 'ctl-axis', 'aria-hidden': 'true', text: AXES[axis][0] }));
  row.append(range, readout);
  box.append(row);
  const s = { axis, range, readout, row, values: [] };
  listen(range, 'input', () => {
    const v = s.values[Number(range.value)];
    if (v === undefined) return;
    setText(readout, String(v));
    const { current } = ctl;
    let next;
    if (axis === null) next = v;
    else {
      let cur = Array.isArray(current) ? current : [v, v];
      if (p.kind === 'size' && current === null) cur = ctl.sliders.map((q) => q.values[0] ?? v);
      next = [...cur];
      next[axis] = v;
      // a 1-D mode (mode.oneAxis) shows the width slider only: its one number sets both
      if (ctl.root.closest('.one-axis')) next = [v, v];
    }
    ctl.syntaxError = null;
    showErrors(ctl);
    if (!ctl.editing) field.value = formatParam(p.name, next);
    store.setParam(p.name, next);
  });
  return s;
}

/**
 * Show `state`'s value of a number argument; `values` (new reachable values per slider, or null)
 * come after a change of the arguments that bound it.
 */
function syncNumeric(ctl, state, values) {
  const { p, field, root } = ctl;
  // output_size given: PyTorch ignores output_padding and picks it from output_size
  const locked = p.name === 'output_padding' && state.params.output_size !== null;
  // What the last sync showed: a sync without new value lists that would show the same (an edit of
  // another argument) has nothing to do. Never skipped while the field is edited or refuses text.
  const key = `${JSON.stringify(state.params[p.name])}|${locked}`;
  if (!values && !ctl.editing && !ctl.syntaxError && key === ctl.synced) return;
  ctl.synced = key;
  const current = state.params[p.name];
  ctl.current = current;
  setProp(field, 'readOnly', locked);
  root.classList.toggle('is-locked', locked);
  syncNote(ctl, locked, values);
  if (ctl.noneButton) setProp(ctl.noneButton, 'disabled', current === null);
  if (Array.isArray(current) && p.kind === 'padding') ctl.lastExplicit = [...current];
  const typed = parseParam(p.name, field.value);
  // (a blank field parses as None: it is not a way of showing it)
  const same = typed.ok && field.value.trim() !== '' && JSON.stringify(typed.value) === JSON.stringify(current);
  if (!ctl.editing && !same) {
    field.value = formatParam(p.name, current);
    // The refused text is gone from the field, so its message goes too.
    if (ctl.syntaxError) {
      ctl.syntaxError = null;
      showErrors(ctl);
    }
  }
  if (ctl.kindRadios) {
    const kind = Array.isArray(current) ? 'explicit' : current;
    for (const r of ctl.kindRadios.querySelectorAll('input')) setProp(r, 'checked', r.value === kind);
  }
  for (const s of ctl.sliders) syncSlider(ctl, s, values, locked);
  syncWhy(ctl, state.params, locked);
}

/**
 * A greyed-out slider says why: the tooltip of its row, and the note under the sliders (its
 * description), once when both axes have the same reason, else per axis. The slider's own title
 * stays its name (tests find sliders by it). output_padding locked by output_size has its own
 * note already, so only the tooltip says it.
 */
function syncWhy(ctl, params, locked) {
  const reasons = ctl.sliders.map((s) => {
    if (locked) return 'Ignored while output_size is given: output_size picks it.';
    return s.values.length <= 1 ? pinnedReason(ctl.p.name, s.axis, s.values, params) : null;
  });
  const same = reasons.every((r) => r === reasons[0]);
  const texts = reasons.map((r, i) => {
    const axis = ctl.sliders[i].axis;
    return r && !same && axis !== null ? `${AXES[axis][1]}: ${r}` : r;
  });
  ctl.sliders.forEach((s, i) => {
    if (texts[i]) setAttr(s.row, 'title', texts[i]);
    else if (s.row.hasAttribute('title')) s.row.removeAttribute('title');
  });
  const shown = locked ? [] : [...new Set(texts.filter(Boolean))];
  setText(ctl.why, shown.join(' '));
  setProp(ctl.why, 'hidden', shown.length === 0);
}

/**
 * Why a slider of argument `name` (axis null: one int; 0 / 1: height / width) reaches only
 * `values` (one value or none) with the other arguments at `params`: the rule that pins it, in the
 * terms the learner can change. Pure (tests/node/typed-values.test.mjs).
 */
export function pinnedReason(name, axis, values, params) {
  const only = values.length ? `only ${values.join(', ')} fits` : 'no value fits';
  const { in_channels: cin, out_channels: cout, groups, padding, stride, dilation } = params;
  // output_padding < max(stride, dilation), on this axis; output_size adds output_padding
  const step = axis === null ? 1 : Math.max(stride[axis], dilation[axis]);
  if (name === 'groups') return `groups must divide in_channels (${cin}) and out_channels (${cout}): ${only}.`;
  if (name === 'in_channels' || name === 'out_channels') {
    return `${name} must be a multiple of groups (${groups}), at most ${PARAM[name].max}: ${only}.`;
  }
  if (name === 'padding' && !Array.isArray(padding)) {
    return `padding='${padding}' picks the halo itself: choose numbers to set it.`;
  }
  if (name === 'stride' && padding === 'same') {
    return `padding='same' is not supported for strided convolutions: ${only}.`;
  }
  if (name === 'output_padding') return `output_padding must be smaller than stride or dilation (${step}): ${only}.`;
  if (name === 'output_size') {
    return `output_size may exceed the smallest output by less than stride or dilation (${step}): ${only}.`;
  }
  return `${only} with the other arguments as they are.`;
}

/** The note: output_padding's "ignored" while locked; a size's valid range from new `values`. */
function syncNote(ctl, locked, values) {
  const { p, note } = ctl;
  if (p.name === 'output_padding') {
    setText(note, locked ? 'Ignored while output_size is given: output_size picks it.' : '');
    setProp(note, 'hidden', !locked);
  }
  if (p.kind === 'size' && values) {
    const [hs, ws] = [values[`${p.name}.0`] ?? [], values[`${p.name}.1`] ?? []];
    const span = (a) => (a.length ? (a.length > 1 ? `${a[0]}…${a[a.length - 1]}` : `${a[0]}`) : '—');
    setText(note, `valid: (${span(hs)}, ${span(ws)})`);
    setData(note, 'range', hs.length && ws.length ? `${hs[0]},${ws[0]},${hs[hs.length - 1]},${ws[ws.length - 1]}` : '');
  }
}

/** One slider: its reachable values (when new), its position nearest the current value, its readout. */
function syncSlider(ctl, s, values, locked) {
  const { p, current } = ctl;
  if (values) {
    s.values = values[s.axis === null ? p.name : `${p.name}.${s.axis}`] ?? [];
  }
  const v = s.axis === null ? current : Array.isArray(current) ? current[s.axis] : null;
  s.range.classList.toggle('is-none', v === null && (p.kind === 'size' || p.kind === 'optint'));
  const n = s.values.length;
  setProp(s.range, 'max', String(Math.max(0, n - 1)));
  setProp(s.range, 'disabled', n <= 1 || locked);
  if (v !== null && n > 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if (Math.abs(s.values[i] - v) < Math.abs(s.values[best] - v)) best = i;
    setProp(s.range, 'value', String(best));
    setText(s.readout, String(v));
  } else {
    setText(s.readout, v === null ? '—' : String(v));
  }
  setAttr(s.range, 'aria-valuetext', s.readout.value);
}

/** Whether any cell of a fill bar's tensor was edited (the weight's bar fills the bias too). */
function edited(state, tensor) {
  const any = (o) => Object.keys(o).length > 0;
  return any(state.edits[tensor]) || (tensor === 'weight' && any(state.edits.bias ?? {}));
}

/**
 * The fill buttons of a tensor ('input' or 'weight'), a "paste…" button when `onPaste` is given
 * (called with the tensor's name), and a seed field.
 */

export function buildFillBar(root, fills, tensor, store, onPaste, { listen }) {
  const bar = el('div', { class: 'fills', role: 'group', 'aria-label': `fill ${tensor}` });
  const seed = el('input', {
    type: 'number',
    min: 0,
    max: 2147483647,
    step: 1,
    class: 'seed',
    'aria-label': `${tensor} seed`,
    title: 'seed for random, integers and default init',
  });
  const buttons = new Map();
  for (const [kind, text, help] of fills) {
    const b = el('button', { type: 'button', class: 'fill', 'data-fill': kind, title: help, text });
    listen(b, 'click', () => {
      const st = store.state[tensor];
      const seeded = kind === 'random' || kind === 'integers' || kind === 'default';
      let s = Number(seed.value) || 0;
      if (seeded && st.fill === kind && st.seed === s && Object.keys(store.state.edits[tensor]).length === 0) s += 1; // again → new draw
      store.setFill(tensor, kind, s);
    });
    buttons.set(kind, b);
    bar.append(b);
  }
  let pasteButton = null;
  if (onPaste) {
    const b = el('button', {
      type: 'button',
      class: 'fill fill-paste',
      'aria-haspopup': 'dialog',
      title: `Type or paste the ${tensor}'s numbers: a PyTorch or NumPy print, a nested list, rows`,
      text: 'paste…',
    });
    listen(b, 'click', () => onPaste(tensor));
    bar.append(b);
    pasteButton = b;
  }
  listen(seed, 'change', () => {
    const s = Math.max(0, Math.min(2147483647, Math.floor(Number(seed.value) || 0)));
    const st = store.state[tensor];
    store.setFill(tensor, st.fill, s);
  });
  bar.append(el('label', { class: 'seed-label' }, el('span', { text: 'seed' }), seed));
  root.append(bar);
  return {
    sync(state) {
      const st = state[tensor];
      // a chip is pressed while the tensor is exactly its fill: no cell edited, no image in its place
      const plain = !edited(state, tensor) && !(tensor === 'input' && imageActive(state));
      for (const [kind, b] of buttons) setAttr(b, 'aria-pressed', String(plain && kind === st.fill));
      if (pasteButton) setAttr(pasteButton, 'aria-pressed', String(st.fill === PASTED));
      // a pasted tensor has no seed to change (its values are the paste)
      setProp(seed, 'disabled', st.fill === PASTED);
      if ((seed.getRootNode().activeElement ?? null) !== seed) setProp(seed, 'value', String(st.seed));
    },
  };
}

