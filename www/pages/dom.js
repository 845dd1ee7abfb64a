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

/**
 * Make `root`'s children look like `next` (freshly built nodes) while keeping the nodes that are
 * already there: an element of the same tag and class keeps its node (its data-* attributes and
 * children are brought in line), a text node only gets its new text. A rebuilt DOM costs the
 * browser new layout objects and text shaping for every node; this only for what changed.
 */
export function morph(root, next) {
  const old = root.childNodes;
  let i = 0;
  for (; i < next.length; i++) {
    const a = old[i];
    const b = next[i];
    if (!a) root.append(b);
    else if (a.nodeType === Node.TEXT_NODE && b.nodeType === Node.TEXT_NODE) {
      if (a.data !== b.data) a.data = b.data;
    } else if (a.nodeType === Node.ELEMENT_NODE && b.nodeType === Node.ELEMENT_NODE
      && a.tagName === b.tagName && a.className === b.className) {
      for (const k of Object.keys(a.dataset)) if (!(k in b.dataset)) delete a.dataset[k];
      for (const [k, v] of Object.entries(b.dataset)) setData(a, k, v);
      morph(a, [...b.childNodes]);
    } else root.replaceChild(b, a);
  }
  while (old.length > next.length) root.lastChild.remove();
}

/** An element with a class and text. */
export function el(tag, cls, textContent) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (textContent !== undefined) e.textContent = textContent;
  return e;
}

export const sizeText = (shape) => `torch.Size([${shape.join(', ')}])`;
