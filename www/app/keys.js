// The timeline's controls (buttons, scrubber, speed) and the keyboard: Space plays / pauses, the
// arrows step, Home / End jump, Escape unpins. Keys are read on `keyTarget` (the standalone page:
// the document; an embedded app: its own root, so two figures on a slide don't both step).

import { setData, setProp, setText } from '../lib/dom.js';

const SPEEDS = [0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 12, 20, 40, 100, 250];

/**
 * @param app  { scope, timeline, invalidate(), escape() }
 * @param keyTarget  where key presses are read
 * @returns {{ sync(position, text, mode, textDue): void }}  the timeline DOM kept in step
 */
export function wireTimeline(app, keyTarget) {
  const { scope, timeline } = app;
  const { $, $$, listen } = scope;
  const scrubber = $('#scrubber');
  const speed = $('#speed');
  const playBtn = $('[data-action="play"]');
  const bar = $('.timeline');
  const positionText = $('#position-text');
  const now = () => performance.now();
  const actions = {
    home: () => timeline.home(now()),
    back: () => timeline.step(-1, now()),
    play: () => timeline.toggle(now()),
    forward: () => timeline.step(1, now()),
    end: () => timeline.end(now()),
  };
  for (const b of $$('.timeline [data-action]')) {
    listen(b, 'click', () => {
      actions[b.dataset.action]();
      app.invalidate();
    });
  }
  listen(scrubber, 'input', () => {
    timeline.seek(Number(scrubber.value), now());
    app.invalidate();
  });
  const syncSpeed = () => {
    timeline.speed = SPEEDS[Number(speed.value)] ?? 1.5;
    $('#speed-text').textContent = `${timeline.speed}/s`;
  };
  speed.max = String(SPEEDS.length - 1);
  speed.value = String(SPEEDS.indexOf(1.5));
  listen(speed, 'input', syncSpeed);
  syncSpeed();

  listen(keyTarget, 'keydown', (e) => {
    if (e.key === 'Escape') {
      app.escape();
      return;
    }
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const key = { ' ': 'play', ArrowLeft: 'back', ArrowRight: 'forward', Home: 'home', End: 'end' }[e.key];
    if (!key) return;
    // fields, sliders and selects keep their keys; a focused button keeps Space unless it is a
    // timeline button (there Space always means play / pause); the mode tabs keep the arrows, and
    // the Python code (focusable to be scrolled by keyboard) keeps its scrolling keys
    const t = e.composedPath()[0] instanceof Element ? e.composedPath()[0] : null;
    if (t && t.closest('input, select, textarea, [contenteditable], [role="tab"], .py-code, dialog')) return;
    if (t && key === 'play' && t.closest('button') && !t.closest('.timeline')) return;
    e.preventDefault();
    actions[key]();
    app.invalidate();
  });

  let lastPlaying = null;
  return {
    sync(position, text, modeName, textDue) {
      setProp(scrubber, 'max', String(timeline.length - 1));
      const focused = (scope.root.activeElement ?? scrubber.ownerDocument.activeElement) === scrubber;
      if (!focused || timeline.playing) setProp(scrubber, 'value', String(position));
      if (textDue) setText(positionText, text);
      setData(bar, 'position', String(position));
      setData(bar, 'mode', modeName);
      if (lastPlaying !== timeline.playing) {
        lastPlaying = timeline.playing;
        playBtn.querySelector('.tl-play-text').textContent = timeline.playing ? 'Pause' : 'Play';
        playBtn.querySelector('.tl-play-icon').textContent = timeline.playing ? '❚❚' : '▶';
        playBtn.setAttribute('aria-pressed', String(timeline.playing));
      }
    },
    get lastPlaying() {
      return lastPlaying;
    },
  };
}
