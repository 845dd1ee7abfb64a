// The URL hash as the state's link, for the standalone page (mount's `hash` option): the last
// valid state is written to the hash after the frame (drags replace the current entry at most
// ~4 times a second; a discrete change — preset, mode, image, fill — pushes one), and back /
// forward or an edited link bring their state back. Embedded apps leave the URL alone.
//
// A lesson link (`#lesson=N…`, classroom/lesson.js) is not a state: it opens that step of the
// guided lesson (hooks.lesson), and while the lesson is open the URL holds the lesson's link
// (hooks.link) instead of the state, so back / forward move between its steps.

import { fromHash, toHash } from '../lib/state.js';

/**
 * @param scope   the app's scope (listeners and the write timer are released with it)
 * @param win     the window whose location and history hold the link
 * @param hooks   { validState() → the state on screen or null, replace(loaded) (a link's state,
 *                  with its notice), modes (the names a link may say), isElementId(id),
 *                  isLesson(hash), lesson(hash) (open a lesson link), link() (the open lesson's
 *                  link text, '' when none is open) }
 */
export function createHistory(scope, win, hooks) {
  const { location, history } = win;
  let lastHash = null;
  let pending = false;
  let pushPending = false;
  /** The URL's hash when the pending write was due: the entry that write is for. */
  let from = null;
  let writtenAt = -Infinity;
  let timer = 0;
  scope.own(() => clearTimeout(timer));

  function write(now) {
    // back / forward (or a typed link) moved the URL since: that entry is not this state's, and
    // its own state is on its way (popstate / hashchange, then a recompute that writes)
    if (location.hash !== from) return;
    pending = false;
    writtenAt = now;
    lastHash = `#${(hooks.link && hooks.link()) || toHash(hooks.validState())}`;
    if (location.hash === lastHash) {
      pushPending = false;
      return;
    }
    if (pushPending) history.pushState(null, '', lastHash);
    else history.replaceState(null, '', lastHash);
    pushPending = false;
  }

  /** Write in a task of its own after the frame (replaceState is synchronous and not cheap: not in the frame that repaints an edit), ≤ 4 times a second. */
  function schedule() {
    if (timer) return;
    const wait = Math.max(0, 250 - (performance.now() - writtenAt));
    timer = setTimeout(() => {
      timer = 0;
      if (pending && hooks.validState()) write(performance.now());
    }, wait);
  }

  // back / forward and edited links: the hash is the state. A hash naming an element of the page
  // (the skip link's #views) is an in-page jump, not a link to a state: the state stays.
  function follow() {
    if (location.hash === lastHash) return;
    const id = location.hash.slice(1);
    if (/^[A-Za-z][\w-]*$/.test(id) && hooks.isElementId(id)) {
      if (lastHash) history.replaceState(null, '', lastHash);
      if (pending) schedule();
      return;
    }
    lastHash = location.hash;
    pushPending = false;
    if (hooks.isLesson && hooks.isLesson(location.hash)) hooks.lesson(location.hash);
    else hooks.replace(fromHash(location.hash, hooks.modes));
  }
  scope.listen(win, 'hashchange', follow);
  scope.listen(win, 'popstate', follow);

  return {
    /** The state the page opens on ({ …, lesson: hash } for a lesson link: its step sets the state). */
    initial: () => (hooks.isLesson && hooks.isLesson(location.hash)
      ? { ...fromHash('', hooks.modes), lesson: location.hash }
      : fromHash(location.hash, hooks.modes)),
    /** The URL follows the state on screen again (the lesson closed), in a new entry. */
    relink() {
      this.push();
      this.changed();
    },
    /** A recompute succeeded: its state is due in the URL. */
    changed() {
      pending = true;
      from = location.hash;
      schedule();
    },
    /** Flush a pending drag into the current entry, then let the next write push a new one. */
    push() {
      if (pending && hooks.validState()) write(performance.now());
      pushPending = true;
    },
  };
}
