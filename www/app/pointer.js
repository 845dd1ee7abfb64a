// Pointer linking and editing on every canvas: a hover becomes the target every view draws from,
// a click pins it, edits a cell (the cell editor) or is handled by the mode (`onClick`).

import { sameTarget } from '../lib/targets.js';
import { hoverKey } from '../views/grid.js';

/**
 * @param app  { scope, canvases, modes, current() → { mode, model }, timeline, hover: { get, set },
 *               pinned: { get, set }, invalidate(), notice(text), editor, store, modeContext(mode) }
 */
export function wirePointer(app) {
  const { scope, canvases, timeline } = app;
  for (const mode of app.modes) {
    for (const [name, view] of mode.views) {
      const cv = canvases.get(name);
      if (!cv) continue;
      const targetAt = (e) => {
        const { mode: shown, model } = app.current();
        if (!model || shown !== mode || !cv.geom) return null;
        const r = cv.el.getBoundingClientRect();
        // CSS px of the canvas's layout, also when a transform scales it (an embed in a reveal.js slide)
        const scale = cv.el.offsetWidth ? r.width / cv.el.offsetWidth : 1;
        const x = (e.clientX - r.left) / scale;
        const y = (e.clientY - r.top) / scale;
        let t = view.hit(model, cv.geom, x, y);
        if (!t && view.hitPatch) {
          const f = mode.focus(model, timeline.position, app.hover.get() ?? app.pinned.get());
          t = view.hitPatch(model, cv.geom, x, y, f.l);
        }
        return t ? { target: t, x, y } : null;
      };
      scope.listen(cv.el, 'pointermove', (e) => {
        const h = targetAt(e);
        const t = h ? h.target : null;
        if (!sameTarget(t, app.hover.get())) {
          app.hover.set(t);
          app.invalidate();
        }
        cv.el.classList.toggle('is-pointing', Boolean(t));
        pointAt(app, cv, e);
      });
      scope.listen(cv.el, 'pointerleave', () => {
        if (app.hover.get()) {
          app.hover.set(null);
          app.invalidate();
        }
        cv.pointer = null;
        if (cv.hoverKey !== -1) {
          cv.hoverKey = -1;
          app.invalidate();
        }
      });
      scope.listen(cv.el, 'click', (e) => click(app, mode, view, targetAt(e), e));
    }
  }
}

/** The pointer over a canvas (its views write the exact value of the cell under it): a redraw when it crosses into another cell. */
function pointAt(app, cv, e) {
  const r = cv.el.getBoundingClientRect();
  const x = e.clientX - r.left;
  const y = e.clientY - r.top;
  if (cv.pointer) {
    cv.pointer.x = x;
    cv.pointer.y = y;
  } else cv.pointer = { x, y };
  const key = hoverKey(cv.rec.drawn, x, y);
  if (key !== cv.hoverKey) {
    cv.hoverKey = key;
    app.invalidate();
  }
}

function click(app, mode, view, h, e) {
  if (!h) {
    app.pinned.set(null);
    app.invalidate();
    return;
  }
  const t = h.target;
  if (mode.onClick && mode.onClick(t, app.modeContext(mode))) {
    app.invalidate();
    return;
  }
  const ed = view.editTarget ? view.editTarget(app.current().model, t) : null;
  if (ed) {
    app.pinned.set(t);
    if (ed.refused) {
      app.notice(ed.refused);
    } else {
      app.editor.open({
        clientX: e.clientX,
        clientY: e.clientY,
        name: ed.name,
        value: Number(ed.value.toPrecision(7)),
        onCommit: (v) => app.store.setCell(ed.tensor, ed.key, v),
      });
    }
  } else {
    app.pinned.set(sameTarget(app.pinned.get(), t) ? null : t);
  }
  app.invalidate();
}
