// Controls, built from the parameter table (params.js); they only ever write to the store.
//
// Each parameter gets a text field labelled with its PyTorch name (typed exactly as in Python:
// `2`, `2, 1`, `'same'`) and, for numbers, one slider per axis whose reachable values come from
// bounds.js — so dragging can never produce an invalid convolution, while typing can, and then
// the wasm core's PyTorch-like message appears beside the field.

import { PARAMS, NUMERIC_PADDING_MODES } from './params.js';
import { parseParam, formatParam, IMAGE_MAX_SIDE } from './state.js';
import { setText, setProp, setAttr, setData, make as el } from './pages/dom.js';
import { PASTED } from './tensors.js';

const AXES = [
  ['h', 'height'],
  ['w', 'width'],
];

/**
 * Build the controls into `form`.
 * @returns {{ sync(state, sliderValues|null): void, showError(name, message): void, clearErrors(): void,
 *             setMode(mode): void }}
 */
export function buildControls(form, store) {
  const controls = new Map();
  for (const p of PARAMS) {
    const c = buildOne(p, store);
    controls.set(p.name, c);
    form.append(c.root);
  }
  form.addEventListener('submit', (e) => e.preventDefault());
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
      for (const p of PARAMS) setProp(controls.get(p.name).root, 'hidden', !p.modes.includes(mode));
      form.classList.toggle('numeric-padding', NUMERIC_PADDING_MODES.includes(mode));
    },
  };
}

function buildOne(p, store) {
  const id = `param-${p.name}`;
  const root = el('div', { class: `ctl ctl-${p.kind}`, 'data-param': p.name });
  const help = el('p', { class: 'ctl-help', id: `${id}-help`, text: p.help });
  const error = el('p', { class: 'ctl-error', id: `${id}-error`, role: 'alert', hidden: true });
  let syntaxError = null;
  let wasmError = null;
  const showErrors = () => {
    const msg = syntaxError ?? wasmError;
    setText(error, msg ?? '');
    setProp(error, 'hidden', !msg);
    root.classList.toggle('has-error', Boolean(msg));
    if (field) setAttr(field, 'aria-invalid', msg ? 'true' : 'false');
  };

  let field = null;
  const sliders = [];
  let current = null;

  if (p.kind === 'bool') {
    field = el('input', { type: 'checkbox', id, 'aria-describedby': `${id}-help ${id}-error` });
    field.addEventListener('change', () => store.setParam(p.name, field.checked));
    root.append(el('div', { class: 'ctl-head' }, el('label', { for: id, class: 'ctl-name', text: p.label }), field), help, error);
    return {
      root,
      sync(state) {
        setProp(field, 'checked', Boolean(state.params[p.name]));
      },
      setError(msg) {
        wasmError = msg;
        showErrors();
      },
    };
  }

  if (p.kind === 'choice') {
    field = el('select', { id, 'aria-describedby': `${id}-help ${id}-error` });
    for (const c of p.choices) field.append(el('option', { value: c, text: `'${c}'` }));
    field.addEventListener('change', () => store.setParam(p.name, field.value));
    root.append(el('div', { class: 'ctl-head' }, el('label', { for: id, class: 'ctl-name', text: p.label }), field), help, error);
    return {
      root,
      sync(state) {
        setProp(field, 'value', state.params[p.name]);
      },
      setError(msg) {
        wasmError = msg;
        showErrors();
      },
    };
  }

  // numeric: a text field + sliders
  field = el('input', {
    type: 'text',
    id,
    class: 'ctl-field',
    inputmode: p.kind === 'int' ? 'numeric' : 'text',
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': `${id}-help ${id}-error`,
  });
  let editing = false;
  const commitText = (final) => {
    let r = parseParam(p.name, field.value);
    if (!r.ok && (p.name === 'height' || p.name === 'width')) {
      // an image input's own side (past the table's caps) typed back as it is: nothing to refuse
      const wide = parseParam(p.name, field.value, { [p.name]: IMAGE_MAX_SIDE });
      if (wide.ok && wide.value === store.state.params[p.name]) r = wide;
    }
    if (r.ok) {
      syntaxError = null;
      showErrors();
      // a blank output_size means None: once committed, the field says so
      if (final && field.value.trim() === '') field.value = formatParam(p.name, r.value);
      store.setParam(p.name, r.value);
    } else if (final) {
      syntaxError = r.message;
      showErrors();
    }
  };
  field.addEventListener('focus', () => {
    editing = true;
  });
  field.addEventListener('input', () => commitText(false));
  field.addEventListener('change', () => commitText(true));
  field.addEventListener('blur', () => {
    editing = false;
    commitText(true);
  });
  field.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      commitText(true);
    }
  });

  const head = el('div', { class: 'ctl-head' }, el('label', { for: id, class: 'ctl-name', text: p.label }), field);
  root.append(head);

  let kindRadios = null;
  if (p.kind === 'padding') {
    // explicit amounts, or PyTorch's strings
    // (named "halo kind", not "padding …": getByLabel('padding') must find the field alone)
    kindRadios = el('div', { class: 'ctl-kinds', role: 'radiogroup', 'aria-label': 'halo kind' });
    for (const [value, text] of [['explicit', 'numbers'], ['same', "'same'"], ['valid', "'valid'"]]) {
      const rid = `${id}-kind-${value}`;
      const radio = el('input', { type: 'radio', name: `${id}-kind`, id: rid, value });
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        if (value === 'explicit') store.setParam('padding', lastExplicit);
        else store.setParam('padding', value);
      });
      kindRadios.append(el('span', { class: 'ctl-kind' }, radio, el('label', { for: rid, text })));
    }
    root.append(kindRadios);
  }
  let lastExplicit = [0, 0];

  let note = null;
  let noneButton = null;
  if (p.kind === 'size') {
    noneButton = el('button', { type: 'button', class: 'ctl-none', text: 'None', title: `${p.name}=None` });
    noneButton.addEventListener('click', () => {
      syntaxError = null;
      showErrors();
      store.setParam(p.name, null);
    });
    head.append(noneButton);
  }
  if (p.kind === 'size' || p.name === 'output_padding') {
    note = el('p', { class: 'ctl-note', id: `${id}-note`, 'aria-live': 'polite' });
  }

  const axes = p.kind === 'int' ? [null] : [0, 1];
  const sliderBox = el('div', { class: 'ctl-sliders' });
  for (const axis of axes) {
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
    const readout = el('output', { class: 'ctl-readout' });
    const row = el('div', { class: 'ctl-slider' });
    if (axis !== null) row.append(el('span', { class: 'ctl-axis', 'aria-hidden': 'true', text: AXES[axis][0] }));
    row.append(range, readout);
    sliderBox.append(row);
    const s = { axis, range, readout, values: [] };
    range.addEventListener('input', () => {
      const v = s.values[Number(range.value)];
      if (v === undefined) return;
      setText(readout, String(v));
      let next;
      if (axis === null) next = v;
      else {
        let cur = Array.isArray(current) ? current : [v, v];
        if (p.kind === 'size' && current === null) cur = sliders.map((q) => q.values[0] ?? v);
        next = [...cur];
        next[axis] = v;
      }
      syntaxError = null;
      showErrors();
      if (!editing) field.value = formatParam(p.name, next);
      store.setParam(p.name, next);
    });
    sliders.push(s);
  }
  root.append(sliderBox);
  if (note) root.append(note);
  root.append(help, error);

  // What the last sync showed: a sync without new value lists that would show the same (an edit of
  // another argument) has nothing to do. Never skipped while the field is edited or refuses text.
  let synced = '';
  return {
    root,
    sync(state, values) {
      // output_size given: PyTorch ignores output_padding and picks it from output_size
      const locked = p.name === 'output_padding' && state.params.output_size !== null;
      const key = `${JSON.stringify(state.params[p.name])}|${locked}`;
      if (!values && !editing && !syntaxError && key === synced) return;
      synced = key;
      current = state.params[p.name];
      setProp(field, 'readOnly', locked);
      root.classList.toggle('is-locked', locked);
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
      if (noneButton) setProp(noneButton, 'disabled', current === null);
      if (Array.isArray(current) && p.kind === 'padding') lastExplicit = [...current];
      const typed = parseParam(p.name, field.value);
      // (a blank field parses as None: it is not a way of showing it)
      const same = typed.ok && field.value.trim() !== '' && JSON.stringify(typed.value) === JSON.stringify(current);
      if (!editing && !same) {
        field.value = formatParam(p.name, current);
        // The refused text is gone from the field, so its message goes too.
        if (syntaxError) {
          syntaxError = null;
          showErrors();
        }
      }
      if (kindRadios) {
        const kind = Array.isArray(current) ? 'explicit' : current;
        for (const r of kindRadios.querySelectorAll('input')) setProp(r, 'checked', r.value === kind);
      }
      for (const s of sliders) {
        if (values) {
          s.values = values[s.axis === null ? p.name : `${p.name}.${s.axis}`] ?? [];
        }
        const v = s.axis === null ? current : Array.isArray(current) ? current[s.axis] : null;
        s.range.classList.toggle('is-none', v === null && p.kind === 'size');
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
    },
    setError(msg) {
      wasmError = msg;
      showErrors();
    },
  };
}

/**
 * The fill buttons of a tensor ('input' or 'weight'), a "paste…" button when `onPaste` is given
 * (called with the tensor's name), and a seed field.
 */
export function buildFillBar(root, fills, tensor, store, onPaste = null) {
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
    b.addEventListener('click', () => {
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
    b.addEventListener('click', () => onPaste(tensor));
    bar.append(b);
    pasteButton = b;
  }
  seed.addEventListener('change', () => {
    const s = Math.max(0, Math.min(2147483647, Math.floor(Number(seed.value) || 0)));
    const st = store.state[tensor];
    store.setFill(tensor, st.fill, s);
  });
  bar.append(el('label', { class: 'seed-label' }, el('span', { text: 'seed' }), seed));
  root.append(bar);
  return {
    sync(state) {
      const st = state[tensor];
      for (const [kind, b] of buttons) setAttr(b, 'aria-pressed', String(kind === st.fill));
      if (pasteButton) setAttr(pasteButton, 'aria-pressed', String(st.fill === PASTED));
      // a pasted tensor has no seed to change (its values are the paste)
      setProp(seed, 'disabled', st.fill === PASTED);
      if (document.activeElement !== seed) setProp(seed, 'value', String(st.seed));
    },
  };
}

