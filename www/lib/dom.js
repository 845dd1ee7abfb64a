// DOM helpers every part of the page uses: the one element builder (`el`), writes that skip
// unchanged values (`setText`, `setProp`, `setAttr`, `setData`, `setValues`) and `morph`.

const MAX_VALUES_ATTR = 4096;

/**
 * Set an element's text only when it changed (writing the same text still re-lays it out). An
 * element holding one text node keeps it and gets new data: replacing the node (textContent) costs
 * a style recalc and a new layout object for it.
 */
export function setText(el, text) {
  if (!el) return;
  const t = el.firstChild;
  if (t && t === el.lastChild && t.nodeType === Node.TEXT_NODE && text !== '') {
    if (t.data !== text) t.data = text;
  } else if (el.textContent !== text) el.textContent = text;
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

/** What setValues wrote last on an element (symbol-keyed on the element itself). */
const SHOWN = Symbol('values shown');

/** JSON of an array of numbers (join is one pass; a non-finite value is spelled null as in JSON). */
function numbersJson(data) {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return JSON.stringify(Array.from(data));
  return `[${data.join(',')}]`;
}

/**
 * A tensor's values as a JSON data-* attribute (dropped when too large to be useful). The same
 * array is not written twice (a model's arrays never change), nor the same text.
 */
export function setValues(el, key, data) {
  if (!el) return;
  let shown = el[SHOWN];
  if (!shown) el[SHOWN] = shown = {};
  const last = shown[key];
  if (last && last.data === data) return;
  if (data && data.length <= MAX_VALUES_ATTR) {
    const json = numbersJson(data);
    if (!last || last.json !== json || el.dataset[key] !== json) el.dataset[key] = json;
    shown[key] = { data, json };
  } else {
    delete el.dataset[key];
    shown[key] = null;
  }
}

/**
 * A description of an element for `morph` (not an element: see `el` for that): tag, class, data-* values and children (strings are
 * text nodes). Plain objects: describing a DOM costs far less than building one.
 */
export function vnode(tag, cls, data, ...kids) {
  return { tag, cls: cls ?? '', data: data ?? null, kids };
}

function create(v) {
  if (typeof v === 'string') return document.createTextNode(v);
  const e = document.createElement(v.tag);
  if (v.cls) e.className = v.cls;
  if (v.data) Object.assign(e.dataset, v.data);
  for (const k of v.kids) e.append(create(k));
  return e;
}

/**
 * Make `root`'s children look like `next` (descriptions made by `vnode`, strings for text) while
 * keeping the nodes that are already there: an element of the same tag and class keeps its node
 * (its data-* attributes and children are brought in line), a text node only gets its new text.
 * A rebuilt DOM costs the browser new layout objects and text shaping for every node; this only
 * for what changed.
 */
export function morph(root, next) {
  const old = root.childNodes;
  for (let i = 0; i < next.length; i++) {
    const a = old[i];
    const b = next[i];
    if (!a) root.append(create(b));
    else if (typeof b === 'string') {
      if (a.nodeType === Node.TEXT_NODE) {
        if (a.data !== b) a.data = b;
      } else root.replaceChild(create(b), a);
    } else if (a.nodeType === Node.ELEMENT_NODE && a.localName === b.tag && a.className === b.cls) {
      const keys = b.data ? Object.keys(b.data) : [];
      for (const k of keys) setData(a, k, b.data[k]);
      // attributes beyond the class and the described data-*: drop the data-* ones
      if (a.attributes.length > keys.length + (b.cls ? 1 : 0)) {
        for (const k of Object.keys(a.dataset)) if (!keys.includes(k)) delete a.dataset[k];
      }
      morph(a, b.kids);
    } else root.replaceChild(create(b), a);
  }
  while (old.length > next.length) root.lastChild.remove();
}

/**
 * The one element builder: `el(tag, attrs, ...children)`. In `attrs`, `class` sets the class,
 * `text` the text (always as text, never markup), a `true` value an empty attribute, and null /
 * undefined / false leave the attribute out; children are nodes or strings.
 * @param {string} tag
 * @param {Object<string, string|number|boolean|null|undefined>} [attrs]
 * @param {...(Node|string)} children
 * @returns {HTMLElement}
 */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v === true ? '' : String(v));
  }
  e.append(...children);
  return e;
}
