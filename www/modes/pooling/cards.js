// The pooling pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<div class="col col-a">
  <section class="card" id="card-pool-input" data-view="pool-input" aria-labelledby="title-pool-input">
    <header class="card-head">
      <h2 id="title-pool-input">Input <span class="var">x</span> and the window</h2>
      <div class="card-tools" data-fills="input"></div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="pool-input" role="img" aria-label="The input, one grid per channel, padded, with the pooling window of the current output cell and its maximum marked"></canvas></div>
    <footer class="card-foot">
      <div class="legend" data-scale="x"></div>
      <ul class="key">
        <li><span class="swatch swatch-halo"></span>padding (MaxPool2d: −∞, AvgPool2d: 0)</li>
        <li><span class="swatch swatch-unused"></span>past the padded input: ceil_mode’s last window hangs over</li>
        <li><span class="swatch swatch-focus"></span>the window</li>
        <li><span class="swatch swatch-ghost"></span>previous window, → stride</li>
      </ul>
      <p class="hint">Click an input cell to change its value; make two cells of a window equal to see which maximum wins (the first, row by row).</p>
    </footer>
  </section>
  <section class="card" id="card-pool-shape" data-view="shapes" aria-labelledby="title-pool-shape">
    <header class="card-head"><h2 id="title-pool-shape">Why this shape · parameters · receptive field</h2></header>
    <ul id="pool-shape" class="shapes pool-facts"></ul>
  </section>
</div>
<div class="col col-b">
  <section class="card" id="card-pool-output" data-view="pool-output" aria-labelledby="title-pool-output">
    <header class="card-head"><h2 id="title-pool-output">Output <span class="var">y</span></h2></header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="pool-output" role="img" aria-label="The output, filled cell by cell, and for MaxPool2d the index of each maximum"></canvas></div>
    <div id="pool-window" class="dot-product pool-window" aria-live="off"></div>
    <footer class="card-foot"><div class="legend" data-scale="y"></div></footer>
  </section>
</div>
`;
