// Export: the current frame as a PNG (the visible view canvases composed as on the page) and the
// whole sliding animation as a GIF (conv_arithmetic style: each timeline position drawn offscreen
// by the page's own view draw functions, then encoded by `encodeGif` of the GIF package, a wasm
// module of its own that is fetched on the first GIF export, while its frames are drawn). No maths
// here: every frame is the views drawing the model at one position.

import { gifBlob, pngBlob, downloadBlob, loadGifEncoder, GifLoadError } from './export.js';
import { useFont } from '../views/grid.js';

/** GIF sizes: the width of each view in CSS pixels. */
export const GIF_SIZES = { small: 220, medium: 320, large: 460 };
/** GIF speeds: milliseconds per frame. */
export const GIF_SPEEDS = { slow: 900, normal: 450, fast: 180 };
const MAX_FRAMES = 400;
const MAX_RGBA = 60 * 1024 * 1024; // the core takes at most 64 MiB of frames
const PAD = 12;
const HEAD = 26;

/** Which views make a mode's GIF, side by side (the mode says, by canvas name). */
function gifViews(mode, model) {
  const want = mode.classroom.gifViews(model);
  return mode.views.filter(([name]) => want.includes(name));
}

const part = (v) => (Array.isArray(v) ? (v[0] === v[1] ? String(v[0]) : `${v[0]}x${v[1]}`) : String(v));

/**
 * A file name from the arguments: conv2d_k3_s2_p1.gif (dilation and groups when not 1), or
 * `<fileBase>_<tail>` when the mode names its own picture (`classroom.fileTail`: stack_3layers_rf7x7).
 */
export function exportName(mode, state, ext, model = null) {
  const base = mode.classroom.fileBase;
  const params = state.params;
  const tail = mode.classroom.fileTail ? mode.classroom.fileTail(state, model) : '';
  if (tail) return `${base}_${tail}.${ext}`;
  let s = `${base}_k${part(params.kernel_size)}_s${part(params.stride)}_p${part(params.padding)}`;
  if (params.dilation.some((d) => d !== 1)) s += `_d${part(params.dilation)}`;
  if (params.groups !== 1 && mode.classroom.groups) s += `_g${params.groups}`;
  return `${s}.${ext}`;
}

/** The timeline positions a GIF shows: all of them, or evenly spaced ones within the caps. */
export function framePositions(total, frameBytes) {
  const cap = Math.max(1, Math.min(MAX_FRAMES, Math.floor(MAX_RGBA / frameBytes)));
  if (total <= cap) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: cap }, (_, i) => Math.round((i * (total - 1)) / (cap - 1 || 1)));
}

/**
 * Wire the export tools (#export-png, #export-gif, #gif-size, #gif-speed, #export-progress).
 * ctx: { current() → { page, model, state }, canvases, drawAll() (every view of the page drawn
 * now), hold(bool) (stop recomputes while a GIF is drawn from the model), edited() (an edit waits
 * for the hold to end), repr() → the module's text }. The GIF encoder is loaded on the first GIF
 * export (loadGifEncoder): the button stays busy until then, and a failed load is a message beside
 * it (the next click tries again).
 */
export function buildExport(ctx) {
  const { $, listen } = ctx;
  const status = $('#export-status');
  const progress = $('#export-progress');
  const gifBtn = $('#export-gif');

  function say(text, result) {
    status.textContent = text;
    status.removeAttribute('title');
    if (result) status.dataset.result = result;
    else delete status.dataset.result;
  }

  listen($('#export-png'), 'click', async () => {
    const { mode, model, state } = ctx.current();
    ctx.drawAll({ settled: true }); // every view drawn now at its position, no glide half-way
    const out = composePng(ctx, mode, status.ownerDocument);
    if (!out) return;
    const name = exportName(mode, state, 'png', model);
    downloadBlob(await pngBlob(out), name, status.parentElement);
    say(`Saved ${name}`, 'png');
  });

  listen(gifBtn, 'click', async () => {
    const { mode, model, state } = ctx.current();
    const width = GIF_SIZES[$('#gif-size').value] ?? GIF_SIZES.medium;
    const delay = GIF_SPEEDS[$('#gif-speed').value] ?? GIF_SPEEDS.normal;
    const views = gifViews(mode, model);
    const geoms = views.map(([, view]) => view.layout(model, width));
    const w = Math.round(views.length * width + (views.length + 1) * PAD);
    const h = Math.round(Math.max(...geoms.map((g) => g.height)) + 2 * PAD + HEAD);
    const positions = framePositions(model.total, w * h * 4);
    const canvas = status.ownerDocument.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const g = canvas.getContext('2d', { willReadFrequently: true });
    g.paint = ctx.paint; // the app's value images, as on its own canvases
    const frames = [];
    gifBtn.disabled = true;
    gifBtn.setAttribute('aria-busy', 'true');
    ctx.hold(true);
    progress.hidden = false;
    progress.max = positions.length;
    // The encoder's module downloads while the frames are drawn (the first export only).
    let encoder = null;
    let loadError = null;
    const loading = loadGifEncoder().then((m) => {
      encoder = m;
    }, (e) => {
      loadError = e;
    });
    const loadNote = () => (encoder ? '' : ' (loading the GIF encoder)');
    try {
      for (let i = 0; i < positions.length; i++) {
        if (loadError) throw loadError;
        const p = positions[i];
        const tl = { position: p, prev: p, playing: false, slide: () => 1 };
        const focus = mode.focus(model, p, null);
        const frame = mode.frame(model, tl, focus, 0);
        g.setTransform(1, 0, 0, 1, 0, 0);
        g.fillStyle = '#fff';
        g.fillRect(0, 0, w, h);
        caption(g, `${ctx.repr()}   ${mode.positionText(model, p)}`);
        views.forEach(([, view], k) => {
          g.setTransform(1, 0, 0, 1, PAD + k * (width + PAD), PAD + HEAD);
          view.draw(g, model, frame, focus, geoms[k]);
        });
        frames.push(g.getImageData(0, 0, w, h));
        progress.value = i + 1;
        say(`Drawing frame ${i + 1} / ${positions.length}…${loadNote()}${ctx.edited() ? ' Your edit applies when the GIF is done.' : ''}`);
        if (i % 4 === 3) await new Promise(requestAnimationFrame);
      }
      if (!encoder && !loadError) say('Loading the GIF encoder…');
      await loading;
      if (loadError) throw loadError;
      say('Encoding…');
      await new Promise(requestAnimationFrame);
      const blob = gifBlob(encoder, frames, delay);
      const name = exportName(mode, state, 'gif', model);
      downloadBlob(blob, name, status.parentElement);
      status.dataset.frames = String(frames.length);
      const sampled = positions.length < model.total ? ` (every ${Math.round(model.total / positions.length)}th of ${model.total} positions)` : '';
      say(`Saved ${name}: ${frames.length} frames${sampled}, ${Math.round(blob.size / 1024)} KB`, 'gif');
    } catch (e) {
      if (e instanceof GifLoadError) {
        // The browser's reason (often a long URL) goes in the tooltip.
        say('Could not load the GIF encoder. The rest of the page works; press Animated GIF to try again.', 'error');
        status.title = e.message;
      } else {
        say(`Could not make the GIF: ${e.message}`, 'error');
      }
    } finally {
      ctx.hold(false);
      gifBtn.disabled = false;
      gifBtn.removeAttribute('aria-busy');
      progress.hidden = true;
    }
  });
}

// Sets all the text state it uses: the GIF's frames share one context, and the views drawn in
// the frame before leave theirs (grid.js centres its numbers: a centred caption lost its start).
function caption(g, text) {
  g.fillStyle = '#1f2328';
  useFont(g, '600 13px ui-monospace, Menlo, Consolas, monospace');
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  g.fillText(text, PAD, PAD + 8);
}

const COL_GAP = 18;
const TITLE = 22;
const LINE = 16;

/** What the PNG shows of the page: each visible view with its card's title, and the dot products as text. */
function pngBlocks(ctx, mode) {
  const visible = (e) => e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const blocks = [];
  for (const [name] of mode.views) {
    const cv = ctx.canvases.get(name);
    if (!cv || !visible(cv.el) || !visible(cv.wrap)) continue;
    const card = cv.el.closest('.card');
    // innerText: the title as shown (a hidden alternative, like the flip switch's, stays out)
    const title = card ? (card.querySelector('h2')?.innerText ?? '').replace(/\s+/g, ' ').trim() : '';
    blocks.push({ title, canvas: cv, width: cv.width, height: cv.height });
  }
  for (const dp of ctx.$$('.pane:not([hidden]) .dot-product')) {
    if (dp.hidden || !visible(dp) || !dp.textContent.trim()) continue;
    const lines = textLines(dp).flatMap((l) => wrap(l, Math.floor(Math.max(320, ...blocks.map((b) => b.width)) / 7.3)));
    const block = { title: '', lines, width: 0, height: lines.length * LINE + 8 };
    // right under the view of its card (the output, the zero insertion)
    const card = dp.closest('.card');
    const at = blocks.findIndex((b) => b.canvas && b.canvas.el.closest('.card') === card);
    blocks.splice(at < 0 ? blocks.length : at + 1, 0, block);
  }
  return blocks;
}

/** A DOM view's text as the lines it shows: one per paragraph / row, spaces collapsed. */
function textLines(root) {
  const rows = root.querySelectorAll('.dp-head, .dp-line, .dp-more, .dp-total, .dp-note, p');
  const lines = [...(rows.length ? rows : [root])].map((e) => [...e.childNodes].map((n) => n.textContent).join(' ').replace(/\s+/g, ' ').trim());
  return lines.filter((l, i) => l && lines.indexOf(l) === i);
}

/** A line cut at spaces into pieces of at most `n` characters. */
function wrap(line, n) {
  const out = [];
  let cur = '';
  for (const word of line.split(' ')) {
    if (cur && cur.length + 1 + word.length > n) {
      out.push(cur);
      cur = word;
    } else cur = cur ? `${cur} ${word}` : word;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * The PNG of the frame: the header line, then the blocks in two columns (each block goes to the
 * shorter column, so no column leaves a hole), titles above their views, text drawn as text.
 */
function composePng(ctx, mode, doc) {
  const blocks = pngBlocks(ctx, mode);
  if (!blocks.length) return null;
  const colW = Math.max(320, ...blocks.map((b) => b.width));
  const cols = blocks.length > 1 ? 2 : 1;
  const heights = new Array(cols).fill(0);
  const placed = blocks.map((b) => {
    const c = heights.indexOf(Math.min(...heights));
    const at = { b, x: PAD + c * (colW + COL_GAP), y: PAD + HEAD + heights[c] };
    heights[c] += (b.title ? TITLE : 0) + b.height + COL_GAP;
    return at;
  });
  const dpr = blocks.find((b) => b.canvas)?.canvas.dpr || 1;
  const out = doc.createElement('canvas');
  out.width = Math.ceil((2 * PAD + cols * colW + (cols - 1) * COL_GAP) * dpr);
  out.height = Math.ceil((PAD + HEAD + Math.max(...heights)) * dpr);
  const g = out.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, out.width, out.height);
  g.scale(dpr, dpr);
  caption(g, ctx.repr());
  for (const { b, x, y } of placed) {
    let top = y;
    g.fillStyle = '#1f2328';
    g.textAlign = 'left';
    g.textBaseline = 'top';
    if (b.title) {
      useFont(g, '600 14px system-ui, sans-serif');
      g.fillText(b.title, x, top + 2);
      top += TITLE;
    }
    if (b.canvas) g.drawImage(b.canvas.el, 0, 0, b.canvas.el.width, Math.round(b.height * b.canvas.dpr), x, top, b.width, b.height);
    else {
      useFont(g, '12px ui-monospace, Menlo, Consolas, monospace');
      b.lines.forEach((l, i) => g.fillText(l, x, top + i * LINE, colW));
    }
  }
  return out;
}
