// The Conv1d pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name. Paste is off in this tab
// (data-paste="off"): the paste dialog reads 2-D tensors (x as [C, H, W], w as [C_out, C_in, kh, kw]).

export const CARDS = `
<div class="col col-a">
  <section class="card" id="card-seq-input" data-view="seq-input" aria-labelledby="title-seq-input">
    <header class="card-head">
      <h2 id="title-seq-input">Sequence <span class="var">x</span> and the sliding kernel</h2>
      <div class="card-tools" data-fills="input" data-paste="off"></div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="seq-input" role="img" aria-label="The sequence, one row of cells per input channel, padded, with the kernel's taps under the cells they multiply for the current output cell"></canvas></div>
    <footer class="card-foot">
      <div class="legend" data-scale="x"></div>
      <ul class="key">
        <li><span class="swatch swatch-halo"></span>the layer’s padding (both sides)</li>
        <li><span class="swatch swatch-causal"></span>causal: F.pad’s (k − 1)·d zeros, left only</li>
        <li><span class="swatch swatch-focus"></span>the kernel window (dimmed cells: dilation holes)</li>
        <li><span class="swatch swatch-ghost"></span>previous window, → stride</li>
      </ul>
      <p class="hint">Conv1d: <code>width</code> is the length L (the height is 1), and each pair argument takes one number. Under each row, the kernel <span class="var">w</span>[c_out, c_in, :] sits on the cells it multiplies. Click a cell to change its value.</p>
    </footer>
  </section>
  <section class="card" id="card-seq-shape" data-view="shapes" aria-labelledby="title-seq-shape">
    <header class="card-head"><h2 id="title-seq-shape">Why this shape · parameters · receptive field</h2></header>
    <ul id="seq-shape" class="shapes pool-facts"></ul>
  </section>
</div>
<div class="col col-b">
  <section class="card" id="card-seq-output" data-view="seq-output" aria-labelledby="title-seq-output">
    <header class="card-head"><h2 id="title-seq-output">Output <span class="var">y</span></h2></header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="seq-output" role="img" aria-label="The output, one row per output channel, filled cell by cell"></canvas></div>
    <div id="seq-dot" class="dot-product pool-window" aria-live="off"></div>
    <footer class="card-foot"><div class="legend" data-scale="y"></div></footer>
  </section>
  <section class="card" id="card-seq-weights" data-view="seq-weights" aria-labelledby="title-seq-weights">
    <header class="card-head">
      <h2 id="title-seq-weights">Weights <span class="var">w</span> and bias <span class="var">b</span></h2>
      <div class="card-tools" data-fills="weight" data-paste="off"></div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="seq-weights" role="img" aria-label="The weights, one row per output channel: its input channels' kernels side by side, and the bias"></canvas></div>
    <footer class="card-foot">
      <div class="legend" data-scale="w"></div>
      <p class="hint">w: [C_out, C_in/groups, k]. Click a weight to change it.</p>
    </footer>
  </section>
</div>
`;
