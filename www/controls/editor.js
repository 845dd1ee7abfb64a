// The small cell editor: click an input or weight cell, type a number, Enter. Values are parsed
// like Python's float(); anything else (words, NaN, inf, an empty box) is refused with a message
// and nothing changes.

import { parseCellValue } from '../lib/format.js';

export { parseCellValue };

/**
 * Create the editor inside `host` (a positioned element).
 * @returns {{ open(opts): void, close(): void, readonly isOpen: boolean }}
 *   opts: { clientX, clientY (viewport px of the click), name, value, onCommit(value), onClose() }
 */
export function createEditor(host, { listen, prefix }) {
  const doc = host.ownerDocument;
  const form = doc.createElement('form');
  form.className = 'cell-editor';
  form.hidden = true;
  form.noValidate = true;
  const label = doc.createElement('label');
  label.className = 'cell-editor-name';
  label.htmlFor = `${prefix}cell-editor-value`;
  const input = doc.createElement('input');
  input.id = `${prefix}cell-editor-value`;
  input.type = 'text';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('inputmode', 'decimal');
  input.setAttribute('aria-describedby', 'cell-editor-error');
  const ok = doc.createElement('button');
  ok.type = 'submit';
  ok.textContent = 'Set';
  const error = doc.createElement('p');
  error.className = 'cell-editor-error';
  error.id = `${prefix}cell-editor-error`;
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const row = doc.createElement('div');
  row.className = 'cell-editor-row';
  row.append(input, ok);
  form.append(label, row, error);
  host.append(form);

  let current = null;

  function close() {
    if (!current) return;
    const done = current.onClose;
    current = null;
    form.hidden = true;
    if (done) done();
  }

  listen(form, 'submit', (e) => {
    e.preventDefault();
    if (!current) return;
    const r = parseCellValue(input.value);
    if (!r.ok) {
      error.textContent = r.message;
      error.hidden = false;
      input.setAttribute('aria-invalid', 'true');
      input.select();
      return;
    }
    const commit = current.onCommit;
    close();
    commit(r.value);
  });
  listen(form, 'keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  listen(form, 'focusout', (e) => {
    if (current && !form.contains(e.relatedTarget)) close();
  });

  return {
    open({ clientX, clientY, name, value, onCommit, onClose }) {
      current = { onCommit, onClose };
      label.textContent = name;
      input.value = String(value);
      error.hidden = true;
      error.textContent = '';
      input.setAttribute('aria-invalid', 'false');
      form.hidden = false;
      // place it just below-right of the click, inside the positioned ancestor, on screen
      const parent = form.offsetParent ?? host;
      const pr = parent.getBoundingClientRect();
      const x = Math.min(clientX + 10, doc.documentElement.clientWidth - form.offsetWidth - 8);
      form.style.left = `${Math.max(4, x) - pr.left}px`;
      form.style.top = `${clientY + 10 - pr.top}px`;
      input.focus();
      input.select();
    },
    close,
    get isOpen() {
      return current !== null;
    },
  };
}
