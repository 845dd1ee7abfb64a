// The presets menu: one <select> (optgroups Lecture · Convolution arithmetic · Transposed ·
// Channels) that sets every control at once, and the preset's note. The menu shows the preset
// the screen matches (after back / forward too; the page opened without a link is the preset
// 'lecture-default'), or "Custom settings" once anything moved.

import { PRESETS, presetById, presetGroups, presetUpdate } from './presets.js';
import { defaultState, defaultUi, toHash, cloneState } from '../lib/state.js';
import { el, setData, setText } from '../lib/dom.js';

/** The store.update(...) argument that loads a preset: every control, fills, edits, view choices. */
export function presetChange(preset) {
  const up = presetUpdate(preset);
  const edits = { input: {}, weight: {}, bias: {} };
  for (const [t, cells] of Object.entries(preset.edits ?? {})) edits[t] = { ...cells };
  return { ...up, ui: defaultUi(), image: null, edits };
}

/** The link of a preset's state (what the screen's link is right after choosing it), quiz aside. */
function presetKey(preset) {
  const s = defaultState();
  const ch = presetChange(preset);
  s.mode = ch.mode;
  Object.assign(s.params, ch.params);
  s.input = ch.input;
  s.weight = ch.weight;
  s.edits = ch.edits;
  return toHash(s);
}

function stateKey(state) {
  const s = cloneState(state);
  s.ui.quiz = '';
  return toHash(s);
}


/** Every preset's link (Predict first aside), to name the preset a state shows. */
const PRESET_KEYS = new Map(PRESETS.map((p) => [presetKey(p), p.id]));

/**
 * The id of the preset a state shows ('' when none: custom settings). States are compared by
 * their links, Predict first aside; the default state is the preset 'lecture-default'.
 */
export function presetIdFor(state) {
  return PRESET_KEYS.get(stateKey(state)) ?? '';
}

/**
 * Build the menu into `root`.
 * @param {HTMLElement} root
 * @param {{store, pushHistory: Function}} ctx
 * @returns {{ sync(state): void }} call after each recompute
 */
export function buildPresetMenu(root, ctx) {
  const select = el('select', { class: 'preset-select' });
  select.id = `${ctx.prefix}preset`;
  const custom = el('option', { text: 'Custom settings' });
  custom.value = '';
  select.append(custom);
  for (const { group, presets } of presetGroups()) {
    const og = el('optgroup');
    og.label = group;
    for (const p of presets) {
      const o = el('option', { text: p.title });
      o.value = p.id;
      og.append(o);
    }
    select.append(og);
  }
  const label = el('label', { class: 'preset-label', text: 'Preset' });
  label.htmlFor = select.id;
  const note = el('p', { class: 'hint preset-note' });
  note.id = `${ctx.prefix}preset-note`;
  note.setAttribute('aria-live', 'polite');
  select.setAttribute('aria-describedby', 'preset-note');
  root.append(el('div', { class: 'preset-row' }), note);
  root.firstChild.append(label, select);

  ctx.listen(select, 'change', () => {
    const p = presetById(select.value);
    if (!p) return;
    ctx.pushHistory();
    const change = presetChange(p);
    change.ui.quiz = ctx.store.state.ui.quiz; // Predict first stays on: a new question
    ctx.store.update(change);
  });

  return {
    sync(state) {
      const id = presetIdFor(state);
      if (select.value !== id) select.value = id;
      const p = presetById(id);
      setData(root, 'preset', id);
      setText(note, p ? p.note : 'Pick a preset to set every argument at once: the lecture’s examples, the figures of the convolution arithmetic guide and their transposes, 1×1 and depthwise convolutions.');
    },
  };
}
