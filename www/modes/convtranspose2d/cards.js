// The convtranspose2d pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<section class="card card-wide ph-1" id="card-roundtrip" data-view="roundtrip" aria-labelledby="title-roundtrip">
  <header class="card-head">
    <h2 id="title-roundtrip">Round trip: x → Conv2d → y → ConvTranspose2d → x̂</h2>
    <div class="card-tools">
      <button type="button" class="fill preset" data-preset="round-trip" title="Conv2d(1, 2, 3, stride=2, padding=1) on 5×5, then ConvTranspose2d(2, 1, 3, stride=2, padding=1, output_size=(5, 5))">Lecture example: 5×5 → 3×3 → 5×5</button>
    </div>
  </header>
  <div class="rt-body">
    <div class="canvas-wrap rt-canvas"><canvas class="view-canvas" data-canvas="roundtrip" role="img" aria-label="x, y = Conv2d(x) and x̂ = ConvTranspose2d(y), small"></canvas></div>
    <div id="roundtrip" class="roundtrip" aria-live="polite"></div>
  </div>
</section>
<div class="card-wide pane-bar ph-1" data-view="scatter zeroinsert">
  <fieldset class="segmented" aria-describedby="step-help">
    <legend>Step through</legend>
    <input type="radio" name="t-step" id="t-step-input" value="input" checked><label for="t-step-input">input cells (scatter-add)</label>
    <input type="radio" name="t-step" id="t-step-output" value="output"><label for="t-step-output">output cells (zero-insertion)</label>
  </fieldset>
  <p id="step-help" class="hint">Both explanations follow the same timeline; hover a cell in either to see it in both.</p>
  <p id="routes-agree" class="badge" role="status"></p>
</div>
<section class="card ph-2" id="card-scatter" data-view="scatter" data-image-drop aria-labelledby="title-scatter">
  <header class="card-head">
    <h2 id="title-scatter">Scatter-add (col2im)</h2>
    <p class="card-sub">Every input cell stamps value × kernel onto the canvas; overlaps sum.</p>
    <div class="card-tools" data-fills="input"></div>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="scatter" role="img" aria-label="Each input cell times the kernel is added onto an uncropped canvas; overlaps sum; padding crops the border"></canvas></div>
  <footer class="card-foot">
    <div class="legend" data-scale="y"></div>
    <div class="legend" data-scale="count"></div>
    <ul class="key">
      <li><span class="swatch swatch-halo"></span>cropped by padding</li>
      <li><span class="swatch swatch-op"></span>kept by output_padding</li>
      <li><span class="swatch swatch-focus"></span>current stamp</li>
      <li><span class="swatch swatch-blank"></span>not reached yet</li>
    </ul>
    <p class="hint">Click an input cell to change its value, or “paste…” to type the whole tensor.</p>
  </footer>
</section>
<section class="card ph-2" id="card-zeroinsert" data-view="zeroinsert" aria-labelledby="title-zeroinsert">
  <header class="card-head">
    <h2 id="title-zeroinsert">Zero-insertion</h2>
    <p class="card-sub">The same output as a stride-1 convolution: zeros between the inputs, the kernel flipped.</p>
    <div class="card-tools" data-fills="weight"></div>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="zeroinsert" role="img" aria-label="The input with zeros inserted between its cells and padded, the flipped kernel sliding over it at stride 1"></canvas></div>
  <div id="zi-dot-product" class="dot-product" data-view="dotproduct" aria-live="off" hidden></div>
  <footer class="card-foot">
    <ul class="key">
      <li><span class="swatch swatch-dot"></span>inserted zero</li>
      <li><span class="swatch swatch-halo"></span>padding, dilation·(k−1)−padding</li>
      <li><span class="swatch swatch-unused"></span>cropped (negative padding)</li>
    </ul>
    <p class="hint">Step by output cells, or hover one, to see its window and dot product.</p>
  </footer>
</section>
<section class="card card-wide ph-4" id="card-colmatmul" data-view="colmatmul" aria-labelledby="title-colmatmul">
  <header class="card-head">
    <h2 id="title-colmatmul">The matmul view: columns = Wᵀ · X, then fold</h2>
  </header>
  <figure class="figure">
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="colmatmul" role="img" aria-label="The transposed weight matrix times the flattened input gives one column per input location; fold adds each column onto the canvas"></canvas></div>
    <figcaption class="hint">Conv2d is unfold → matmul; ConvTranspose2d is the same two steps backwards: matmul with Wᵀ → fold (col2im), where overlapping columns sum.</figcaption>
  </figure>
</section>
<section class="card card-wide ph-5" id="card-tshapes" data-view="shapes" aria-labelledby="title-tshapes">
  <header class="card-head"><h2 id="title-tshapes">Why this shape</h2></header>
  <div id="t-shapes" class="shapes"></div>
</section>

`;
