// Small DOM helpers shared by the pages (no state).

export const $ = (sel, root = document) => root.querySelector(sel);

const MAX_VALUES_ATTR = 4096;

/** Set an element's text only when it changed (writing the same text still re-lays it out). */
export function setText(el, text) {
  if (el && el.textContent !== text) el.textContent = text;
}

/** Set a property (value, max, hidden, …) only when it changed. */
export function setProp(el, key, value) {
  if (el && el[key] !== value) el[key] = value;
}

/** Set an attribute only when it changed. */
export function setAttr(el, name, value) {
  if (el && el.getAttribute(name) !== value) el.setAttribute(name, value);
}

/** Set a data-* attribute only when it changed (no needless style recalcs). */
export function setData(el, key, value) {
  if (el && el.dataset[key] !== value) el.dataset[key] = value;
}

/** A tensor's values as a JSON data-* attribute (dropped when too large to be useful). */
export function setValues(el, key, data) {
  if (!el) return;
  if (data && data.length <= MAX_VALUES_ATTR) setData(el, key, JSON.stringify(Array.from(data)));
  else delete el.dataset[key];
}

/** An element with a class and text. */
export function el(tag, cls, textContent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (textContent !== undefined) e.textContent = textContent;
  return e;
}

export const sizeText = (shape) => `torch.Size([${shape.join(', ')}])`;
