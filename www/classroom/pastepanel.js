// "paste…" in the fill bars: a dialog that shows the input x or the weight w as a torch.tensor
// literal, to edit in place or to replace with a pasted print (PyTorch, NumPy, a nested list, rows
// of numbers). Applying it sets the tensor's values and adopts its shape (www/paste.js has the
// rules); a text that cannot be read keeps the dialog open with a message naming the tensor.

import { parseTensorText, inputFromPaste, weightFromPaste, MAX_PASTE_VALUES } from '../lib/paste.js';
import { pyTensorLiteral } from '../lib/python.js';
import { makeInput, makeWeights, makeTransposeWeights, PASTED } from '../lib/tensors.js';
import { el } from '../lib/dom.js';
import { modeByName } from '../modes/registry.js';
import { sizeText } from '../lib/torch.js';
import { cloneState, toHash, formatParam, MAX_EDITS, MAX_LINK_CHARS } from '../lib/state.js';

const HELP = {
  input:
    'A PyTorch or NumPy print, a nested list, rows of numbers (a blank line starts the next channel), '
    + 'or torch.ones / zeros / full / eye / arange(n).reshape(…). '
    + 'The shape comes from the brackets or the rows and becomes in_channels, height and width: '
    + '[H, W] is one channel, [C, H, W] and [1, C, H, W] as they are.',
  weight:
    'A PyTorch or NumPy print, a nested list or torch.ones / zeros / full(…), shaped like the weight (missing leading dimensions are 1). '
    + 'Its kernel size becomes kernel_size and its output channels out_channels; the bias keeps its values.',
};

/** The weight layout of a state's mode (its classroom hook), 'oihw' when it has none. */
const layoutOf = (state) => (modeByName(state.mode)?.classroom.weightLayout ?? 'oihw');

/**
 * @param ctx { store, api, pushHistory, shown: () => the state the page shows (null before the first) }
 * @returns {{ open(tensor: 'input' | 'weight'): void, readonly isOpen: boolean }}
 */
export function buildPastePanel({ store, api, pushHistory, shown, prefix, listen, root }) {
  const { dialog, form, title, help, label, text, preview, error, cancel } = buildDialog((name) => `${prefix}${name}`, root);

  let tensor = 'input';
  let previewTimer = 0;

  /** Show why the text was refused (the dialog stays open). Returns false: nothing changed. */
  function showError(message) {
    error.textContent = message;
    error.hidden = false;
    text.setAttribute('aria-invalid', 'true');
    text.focus();
    return false;
  }

  /** The text's reading (readPaste) for the tensor the dialog is open for. */
  const reading = () => readPaste(text.value, tensor, { store, api, shown });

  /** Read the text and, when it fits, change the state in one step. Returns whether it did. */
  function commit() {
    clearTimeout(previewTimer);
    const r = reading();
    showPreview(r); // the line under the box is about this text, not the one before the last keys
    if (!r.ok) return showError(r.message);
    if (!fitsLink(r.change)) return false;
    pushHistory();
    store.update(r.change);
    return true;
  }

  /**
   * The line under the box: the shape the text reads as and what it sets (nothing while it does
   * not read). `r`: the text's reading, when the caller has it.
   */
  function showPreview(r = reading()) {
    previewTimer = 0;
    preview.textContent = previewLine(r);
  }
  /**
   * Whether the state after `change` still fits in a link (the page reads at most MAX_LINK_CHARS:
   * a longer one could not be reloaded, shared, or stepped back to). Says so when it does not.
   */
  function fitsLink(change) {
    const n = linkLength(store.state, change);
    if (n <= MAX_LINK_CHARS) return true;
    showError(`${tensor}: these values make a link of ${n.toLocaleString('en')} characters, more than a link holds (${MAX_LINK_CHARS.toLocaleString('en')}): paste fewer non-zero values or shorter numbers`);
    return false;
  }

  listen(form, 'submit', (e) => {
    e.preventDefault();
    if (commit()) dialog.close();
  });
  listen(cancel, 'click', () => dialog.close());
  listen(dialog, 'close', () => clearTimeout(previewTimer));
  listen(text, 'keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  listen(text, 'input', () => {
    if (!error.hidden) {
      error.hidden = true;
      text.setAttribute('aria-invalid', 'false');
    }
    // read again once typing pauses (a large paste takes tens of milliseconds to read)
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => showPreview(), 150);
  });
  // the page's own keys (Space plays, arrows step) stay out of the dialog
  listen(dialog, 'keydown', (e) => e.stopPropagation());

  return {
    open(which) {
      tensor = which;
      const now = describeTensor(api, shown(), which);
      title.textContent = which === 'input' ? 'Paste the input x' : 'Paste the weight w';
      help.textContent = HELP[which];
      label.textContent = now.label;
      text.value = now.text;
      error.hidden = true;
      error.textContent = '';
      text.setAttribute('aria-invalid', 'false');
      clearTimeout(previewTimer);
      showPreview();
      dialog.showModal();
      text.focus();
      text.setSelectionRange(0, 0);
      text.scrollTop = 0;
    },
    get isOpen() {
      return dialog.open;
    },
  };
}

/** The dialog and its parts (ids made by `id`), appended to `root`. */
function buildDialog(id, root) {
  const title = el('h2', { id: id('paste-title') });
  const help = el('p', { id: id('paste-help'), class: 'paste-help' });
  const label = el('label', { class: 'paste-now', for: id('paste-text') });
  const text = el('textarea', {
    id: id('paste-text'), spellcheck: 'false', rows: 14, autocomplete: 'off', 'aria-describedby': `${id('paste-help')} ${id('paste-error')}`,
  });
  const preview = el('p', { id: id('paste-preview'), class: 'paste-preview', role: 'status' });
  const error = el('p', { id: id('paste-error'), class: 'paste-error', role: 'alert', hidden: true });
  const apply = el('button', { type: 'submit', class: 'paste-apply', text: 'Apply' });
  const cancel = el('button', { type: 'button', class: 'paste-cancel', text: 'Cancel' });
  const actions = el('div', { class: 'paste-actions' },
    apply, cancel, el('span', { class: 'paste-keys', text: 'Ctrl+Enter applies · Esc cancels' }));
  const form = el('form', { method: 'dialog', novalidate: true }, title, help, label, text, preview, error, actions);
  const dialog = el('dialog', { class: 'paste-dialog', 'aria-labelledby': id('paste-title') }, form);
  root.append(dialog);
  return { dialog, form, title, help, label, text, preview, error, cancel };
}

/** A state's weight and bias, in its mode's layout. */
function weightsOf(api, state, layout) {
  return layout === 'oihw' ? makeWeights(api, state) : makeTransposeWeights(api, state);
}

/**
 * What the text `source` would do to `tensor`, without doing it: { ok: true, parsedShape, shape,
 * args, change } (args: the arguments it sets; change: the store.update) or { ok: false, message }.
 */
function readPaste(source, tensor, { store, api, shown }) {
  const parsed = parseTensorText(source, tensor);
  if (!parsed.ok) return parsed;
  const state = store.state;
  if (tensor === 'input') {
    const r = inputFromPaste(parsed, state.params);
    if (!r.ok) return r;
    const change = { params: r.params, input: { fill: PASTED, seed: state.input.seed }, edits: { input: r.cells } };
    return { ok: true, parsedShape: parsed.shape, shape: r.shape, args: r.params, change };
  }
  const p = state.params;
  if (!Number.isInteger(p.in_channels / p.groups) || !Number.isInteger(p.out_channels / p.groups)) {
    return { ok: false, message: `weight: groups=${p.groups} must divide both in_channels (${p.in_channels}) and out_channels (${p.out_channels}): fix groups first` };
  }
  const layout = layoutOf(state);
  const before = shown();
  const bias = before && before.params.bias ? weightsOf(api, before, layout).bias : null;
  const r = weightFromPaste(parsed, p, layout, bias ? bias.data : null);
  if (!r.ok) return r;
  const change = { params: r.params, weight: { fill: PASTED, seed: state.weight.seed }, edits: { weight: r.cells, bias: r.biasCells } };
  return { ok: true, parsedShape: parsed.shape, shape: r.shape, args: r.params, change };
}

/** The preview line of a reading: the shape it reads as and the arguments it sets ('' when it does not read). */
function previewLine(r) {
  if (!r.ok) return '';
  const same = r.parsedShape.join() === r.shape.join();
  const args = Object.entries(r.args).map(([k, v]) => `${k}=${formatParam(k, v)}`).join(', ');
  return `Reads as ${sizeText(r.parsedShape)}${same ? '' : ` = ${sizeText(r.shape)}`}: ${args}`;
}

/** The length of the link of `state` after the store.update `change` (`state` stays as it is). */
function linkLength(state, { params, input, weight, edits }) {
  const next = cloneState(state);
  Object.assign(next.params, params);
  if (input) next.input = input;
  if (weight) next.weight = weight;
  Object.assign(next.edits, edits);
  return toHash(next).length;
}

/**
 * What the dialog opens with for tensor `which` of `state` (null before the first): the label (its
 * shape and layout now) and the text (the tensor as a torch.tensor literal, or blank).
 */
function describeTensor(api, state, which) {
  const weightLayout = state ? layoutOf(state) : 'oihw';
  const t = !state ? null : which === 'input' ? makeInput(state) : weightsOf(api, state, weightLayout).weight;
  const shape = t ? sizeText(t.shape) : '';
  const layout = which === 'input' ? '[N, C_in, H, W]' : weightLayout === 'oihw' ? '[C_out, C_in/groups, kh, kw]' : '[C_in, C_out/groups, kh, kw]';
  // a tensor with more non-zero values than a paste holds (an image, a large arange) is not
  // written out: that text could not be applied as it is
  const nonZero = t ? t.data.reduce((n, v) => n + (v !== 0), 0) : 0;
  const written = t && t.data.length <= MAX_PASTE_VALUES && nonZero <= MAX_EDITS;
  const note = written ? 'Edit the numbers, or paste your own:'
    : `It has ${nonZero.toLocaleString('en')} non-zero values, more than a paste holds (${MAX_EDITS.toLocaleString('en')}). Paste your own numbers:`;
  return {
    label: `${which === 'input' ? 'x' : 'w'} now: ${shape} ${layout}. ${note}`,
    text: written ? pyTensorLiteral(t) : '',
  };
}
