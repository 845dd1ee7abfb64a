// What one mounted app owns outside its own objects: the elements it finds (inside its root only),
// the listeners, observers, timers and frame callbacks it registers. `destroy()` releases them
// all, newest first; `held()` counts what is still registered (tests count it).

/**
 * @param {Element|ShadowRoot} root   everything the app reads and writes is inside it
 * @param {string} prefix             prefixed to the ids of the app's markup (app/markup.js)
 */
export function createScope(root, prefix) {
  const releases = [];
  const byId = new Map();
  const find = (sel) => root.querySelector(sel);
  /** `#name` → the app's element of id prefix + name (cached while it is in the app). */
  function $(sel) {
    if (!/^#[\w-]+$/.test(sel)) return find(sel);
    const id = prefix + sel.slice(1);
    let e = byId.get(id);
    if (!e || !root.contains(e)) {
      e = find(`[id="${id}"]`);
      if (e) byId.set(id, e);
    }
    return e;
  }
  return {
    root,
    prefix,
    $,
    $$: (sel) => [...root.querySelectorAll(sel)],
    /** addEventListener, removed on destroy(). */
    listen(target, type, fn, opts) {
      target.addEventListener(type, fn, opts);
      releases.push(() => target.removeEventListener(type, fn, opts));
    },
    /** Anything else to release on destroy() (an observer's disconnect, a timer's clear). */
    own(release) {
      releases.push(release);
      return release;
    },
    held: () => releases.length,
    destroy() {
      while (releases.length) releases.pop()();
      byId.clear();
    },
  };
}
