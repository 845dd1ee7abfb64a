// The app's DOM: the chrome (header, tabs, controls, toolbar, timeline) as static markup with
// one slot where each mode's pane (its `cards`) goes. Static strings only, never user text, and
// no HTML sink (innerHTML and the like): the text a learner types reaches the DOM through
// textContent.
//
// Ids: one app in a document (or in a shadow root) keeps the ids as written; a second app in the
// same document passes `idPrefix`, and every id and every reference to one (for, aria-*, href)
// gets the prefix, so labels, ARIA and the skip link stay within their own app.

export const CHROME = `
<a class="skip-link" href="#views">Skip to the picture</a>
<header class="topbar">
  <div class="brand">
    <img class="logo" data-asset="favicon.svg" alt="" width="28" height="28">
    <h1>convviz</h1>
  </div>
  <div class="summary">
    <code class="module-repr" id="module-repr">Conv2d(…)</code>
    <p class="shape-line">
      <span class="shape-item"><span id="input-label">x</span> <code id="input-shape">torch.Size([…])</code></span>
      <span class="shape-arrow" aria-hidden="true">→</span>
      <span class="shape-item"><span id="output-label">y</span> <code id="output-shape">torch.Size([…])</code></span>
    </p>
  </div>
  <button type="button" class="lesson-start" id="lesson-start">Lesson</button>
</header>
<nav aria-label="Modes">
  <div class="mode-tabs" role="tablist" aria-label="What to show"></div>
</nav>

<p id="notice" class="notice" role="status" hidden></p>
<p id="mode-note" class="mode-note" role="status" hidden></p>
<section id="lesson" class="lesson" aria-labelledby="lesson-progress lesson-title" hidden></section>

<div class="layout">
  <aside class="sidebar" aria-labelledby="controls-title">
    <div class="sidebar-head">
      <h2 id="controls-title">nn.Conv2d arguments</h2>
      <p class="sidebar-hint">Type as in Python (<code>2</code>, <code>2, 1</code>, <code>'same'</code>) or drag. Settings the modes share carry over.</p>
      <div id="presets" class="presets"></div>
    </div>
    <form id="controls" class="controls" novalidate></form>
    <details id="image-panel" class="side-panel">
      <summary>Use an image as the input</summary>
      <div class="img-body">
        <div class="img-row">
          <button type="button" class="fill" id="img-sample">Sample image</button>
          <label class="fill file-btn">Upload an image…<input type="file" id="img-file" accept="image/*" class="sr-only"></label>
        </div>
        <div class="img-row">
          <label class="pick">size <select id="img-size"></select></label>
          <label class="pick">channels <select id="img-channels"><option value="1">grayscale (1)</option><option value="3">RGB (3)</option></select></label>
        </div>
        <div class="img-row">
          <label class="pick">kernel <select id="img-kernel"></select></label>
        </div>
        <div class="img-row" id="img-custom-row" hidden>
          <label class="img-custom-label" for="img-custom">your kernel (rows by <code>;</code>)</label>
          <textarea id="img-custom" rows="3" spellcheck="false">1 0 -1; 2 0 -2; 1 0 -1</textarea>
          <button type="button" class="fill" id="img-apply">Apply kernel</button>
        </div>
        <p id="img-status" class="hint" role="status"></p>
        <button type="button" class="fill" id="img-off" hidden>Back to the small example</button>
      </div>
    </details>
  </aside>

  <main id="views" class="views">
    <p id="status" class="status" role="status" hidden></p>
    <div class="card-wide toolbar" role="toolbar" aria-label="Classroom tools">
      <button type="button" class="tool" data-action="show-python">Copy as PyTorch</button>
      <button type="button" class="tool" id="quiz-toggle" aria-pressed="false">Predict first</button>
      <span class="export-tools" role="group" aria-label="Export">
        <button type="button" class="tool" id="export-png">PNG of this frame</button>
        <button type="button" class="tool" id="export-gif">Animated GIF</button>
        <label class="pick">size <select id="gif-size"><option value="small">small</option><option value="medium" selected>medium</option><option value="large">large</option></select></label>
        <label class="pick">speed <select id="gif-speed"><option value="slow">slow</option><option value="normal" selected>normal</option><option value="fast">fast</option></select></label>
        <progress id="export-progress" max="1" value="0" hidden></progress>
        <span id="export-status" class="hint export-status" role="status"></span>
      </span>
    </div>
    <section class="card card-wide quiz" id="quiz" aria-labelledby="title-quiz" hidden>
      <header class="card-head">
        <h2 id="title-quiz">Predict first</h2>
        <fieldset class="segmented">
          <legend class="sr-only">What to predict</legend>
          <input type="radio" name="quiz-kind" id="quiz-kind-shape" value="shape"><label for="quiz-kind-shape">the output shape</label>
          <input type="radio" name="quiz-kind" id="quiz-kind-value" value="value"><label for="quiz-kind-value">this output value</label>
        </fieldset>
      </header>
      <p id="quiz-question" class="quiz-question"></p>
      <form id="quiz-form" class="quiz-form" novalidate>
        <label for="quiz-guess">Your guess</label>
        <input type="text" id="quiz-guess" autocomplete="off" spellcheck="false">
        <button type="submit" class="fill">Check</button>
        <button type="button" class="fill" id="quiz-next" hidden>Next cell</button>
      </form>
      <p id="quiz-result" class="quiz-result" role="status"></p>
      <p id="quiz-explain" class="quiz-explain"></p>
    </section>
    <div data-panes></div>


    <details class="card card-wide python-panel" id="python-panel">
      <summary><h2 id="title-python">Copy as PyTorch</h2> <span class="hint">runnable code that reproduces this screen</span></summary>
      <div class="py-tools">
        <button type="button" class="fill" id="py-copy">Copy</button>
        <span id="py-status" class="hint" role="status"></span>
      </div>
      <pre class="py-code" tabindex="0" role="region" aria-label="Python code"><code id="py-code"></code></pre>
    </details>
  </main>
</div>

<footer class="timeline" aria-label="Timeline">
  <div class="tl-buttons">
    <button type="button" class="tl-btn" data-action="home" title="First cell (Home)"><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><rect x="2" y="3" width="2" height="10" fill="currentColor"/><path d="M14 3v10L5 8z" fill="currentColor"/></svg><span class="sr-only">First cell</span></button>
    <button type="button" class="tl-btn" data-action="back" title="Step back (←)"><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M12 3v10L4 8z" fill="currentColor"/></svg><span class="sr-only">Step back</span></button>
    <button type="button" class="tl-btn tl-play" data-action="play" title="Play / pause (space)"><span class="tl-play-icon" aria-hidden="true">▶</span><span class="tl-play-text">Play</span></button>
    <button type="button" class="tl-btn" data-action="forward" title="Step forward (→)"><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M4 3v10l8-5z" fill="currentColor"/></svg><span class="sr-only">Step forward</span></button>
    <button type="button" class="tl-btn" data-action="end" title="Last cell (End)"><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><path d="M2 3v10l9-5z" fill="currentColor"/><rect x="12" y="3" width="2" height="10" fill="currentColor"/></svg><span class="sr-only">Last cell</span></button>
  </div>
  <input type="range" id="scrubber" class="tl-scrubber" min="0" max="0" step="1" value="0" aria-label="output cell">
  <output id="position-text" class="tl-position" for="scrubber">cell 1 / 1</output>
  <span class="tl-speed" title="output cells per second"><label for="speed">speed</label><input type="range" id="speed" min="0" max="10" step="1" value="4"><output id="speed-text" for="speed">1.5/s</output></span>
</footer>
`;

const ID_REFS = ['for', 'aria-labelledby', 'aria-describedby', 'aria-controls'];

/**
 * A fragment of `doc` from one of this project's markup constants. They are module constants
 * (never user text: tests/node/architecture.test.mjs checks they hold no `${`, script or on…=
 * attribute), parsed into an inert document (DOMParser runs no script and loads nothing) and
 * adopted; the page's text that comes from a learner only ever goes through textContent.
 */
function parseStatic(doc, markup) {
  const inert = new DOMParser().parseFromString(`<!doctype html><body>${markup}</body>`, 'text/html');
  const frag = doc.createDocumentFragment();
  for (const n of [...inert.body.childNodes]) frag.append(doc.adoptNode(n));
  return frag;
}

/** Prefix every id of `frag` and every attribute that refers to one. */
function prefixIds(frag, prefix) {
  for (const e of frag.querySelectorAll('[id]')) e.id = prefix + e.id;
  for (const name of ID_REFS) {
    for (const e of frag.querySelectorAll(`[${name}]`)) {
      e.setAttribute(name, e.getAttribute(name).split(/\s+/).map((id) => prefix + id).join(' '));
    }
  }
  for (const a of frag.querySelectorAll('a[href^="#"]')) a.setAttribute('href', `#${prefix}${a.getAttribute('href').slice(1)}`);
}

/** The chrome's landmarks, and what each becomes in an app embedded in someone else's page. */
const LANDMARKS = [
  ['header.topbar', null],
  ['nav', null],
  ['main', null],
  ['aside', 'group'],
  ['footer.timeline', 'group'],
];

/**
 * The chrome of an app embedded in a page (a <conv-viz> in a course page or a slide): that page
 * has its own main, banner and navigation, and may hold several apps, so the app's landmarks
 * become plain elements (a labelled group where the label helps), its labelled cards groups
 * instead of region landmarks, and the skip link (to the app's main) goes.
 */
function withoutLandmarks(doc, frag) {
  frag.querySelector('.skip-link')?.remove();
  for (const [selector, role] of LANDMARKS) {
    for (const old of frag.querySelectorAll(selector)) {
      const div = doc.createElement('div');
      for (const a of old.attributes) div.setAttribute(a.name, a.value);
      if (role) div.setAttribute('role', role);
      else for (const a of ['aria-label', 'aria-labelledby']) div.removeAttribute(a); // no name without a role
      div.append(...old.childNodes);
      old.replaceWith(div);
    }
  }
  for (const s of frag.querySelectorAll('section[aria-labelledby]')) s.setAttribute('role', 'group');
}

/**
 * Build the app's DOM for `modes` (a pane each, hidden until shown) and return it as a fragment.
 * @param {Document} doc
 * @param {Array<{name: string, cards: string}>} modes
 * @param {string} prefix   prefixed to every id (see above)
 * @param {(name: string) => string} asset  the URL of a file of www/ (the logo)
 * @param {{ landmarks?: boolean }} [options]  landmarks: false for an embedded app (withoutLandmarks)
 */
export function buildMarkup(doc, modes, prefix, asset, { landmarks = true } = {}) {
  const frag = parseStatic(doc, CHROME);
  const slot = frag.querySelector('[data-panes]');
  for (const m of modes) {
    const pane = doc.createElement('div');
    pane.className = 'pane';
    pane.dataset.pane = m.name;
    pane.hidden = true;
    pane.append(parseStatic(doc, m.cards));
    slot.before(pane);
  }
  slot.remove();
  for (const img of frag.querySelectorAll('img[data-asset]')) img.src = asset(img.dataset.asset);
  if (!landmarks) withoutLandmarks(doc, frag);
  if (prefix) prefixIds(frag, prefix);
  return frag;
}
