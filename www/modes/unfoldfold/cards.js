// The unfoldfold pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<section class="card card-wide ph-1" id="card-unfold" data-view="unfold" aria-labelledby="title-unfold">
  <header class="card-head">
    <h2 id="title-unfold">F.unfold: every patch becomes a column</h2>
    <div class="card-tools" data-fills="input"></div>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="unfold" role="img" aria-label="The padded input with the current patch, and the columns matrix it fills"></canvas></div>
  <footer class="card-foot">
    <div class="legend" data-scale="x"></div>
    <ul class="key">
      <li><span class="swatch swatch-halo"></span>zero padding</li>
      <li><span class="swatch swatch-unused"></span>never read (floor)</li>
    </ul>
  </footer>
</section>
<section class="card card-wide ph-2" id="card-fold" data-view="fold" aria-labelledby="title-fold">
  <header class="card-head">
    <h2 id="title-fold">F.fold: columns are added back; overlaps sum</h2>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="fold" role="img" aria-label="Each column added back onto the padded canvas, the count of patches per cell, and x times count equal to fold of unfold of x"></canvas></div>
  <footer class="card-foot">
    <div class="legend" data-scale="y"></div>
    <div class="legend" data-scale="count"></div>
    <p class="hint">The second half of the timeline folds. Hover a cell to see every column that reads it.</p>
  </footer>
</section>
<section class="card card-wide ph-4" id="card-ushapes" data-view="shapes" aria-labelledby="title-ushapes">
  <header class="card-head"><h2 id="title-ushapes">Shapes, and what fold gives back</h2></header>
  <div id="u-shapes" class="shapes"></div>
</section>

`;
