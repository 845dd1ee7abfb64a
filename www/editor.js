// The small cell editor: click an input or weight cell, type a number, Enter. Values are parsed
// like Python's float(); anything else (words, NaN, inf, an empty box) is refused with a message
// and nothing changes.

const FLOAT_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parse a typed cell value. Returns { ok: true, value } or { ok: false, message }. */
export function parseCellValue(text) {
  // a real minus sign (U+2212), as the page writes negative numbers, counts as '-'
  const s = String(text).trim().replace(/^\u2212/, '-');
  const shown = s.length > 24 ? `${s.slice(0, 24)}…` : s;
  if (/^[+-]?nan$/i.test(s)) return { ok: false, message: 'NaN is not allowed: every value must be finite.' };
  if (/^[+-]?(inf|infinity)$/i.test(s)) return { ok: false, message: `${shown} is not allowed: every value must be finite.` };
  if (!FLOAT_RE.test(s)) return { ok: false, message: `could not convert string to float: '${shown}'` };
  // checked after rounding: 3.4028235e38, the float32 maximum as NumPy prints it, rounds onto it
  const value = Math.fround(Number(s));
  if (!Number.isFinite(value)) return { ok: false, message: `${shown} does not fit in a float32.` };
  return { ok: true, value };
}

/**
 * Create the editor inside `host` (a positioned element).
 * @returns {{ open(opts): void, close(): void, readonly isOpen: boolean }}
 *   opts: { clientX, clientY (viewport px of the click), name, value, onCommit(value), onClose() }
 */
export function createEditor(host) {
  const form = document.createElement('form');
  form.className = 'cell-editor';
  form.hidden = true;
  form.noValidate = true;
  const label = document.createElement('label');
  label.className = 'cell-editor-name';
  label.htmlFor = 'cell-editor-value';
  const input = document.createElement('input');
  input.id = 'cell-editor-value';
  input.type = 'text';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.setAttribute('inputmode', 'decimal');
  input.setAttribute('aria-describedby', 'cell-editor-error');
  const ok = document.createElement('button');
  ok.type = 'submit';
  ok.textContent = 'Set';
  const error = document.createElement('p');
  error.className = 'cell-editor-error';
  error.id = 'cell-editor-error';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const row = document.createElement('div');
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

  form.addEventListener('submit', (e) => {
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
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  });
  form.addEventListener('focusout', (e) => {
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
      const parent = form.offsetParent ?? document.body;
      const pr = parent.getBoundingClientRect();
      const x = Math.min(clientX + 10, window.innerWidth - form.offsetWidth - 8);
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
