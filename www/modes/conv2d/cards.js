// The conv2d pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<div class="col col-a">
  <section class="card" id="card-input" data-view="input" data-image-drop aria-labelledby="title-input">
    <header class="card-head">
      <h2 id="title-input">Input <span class="var">x</span></h2>
      <div class="card-tools" data-fills="input"></div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="input" role="img" aria-label="The input tensor, one grid per channel, with the kernel footprint at the current output cell"></canvas></div>
    <footer class="card-foot">
      <div class="legend" data-scale="x"></div>
      <ul class="key">
        <li><span class="swatch swatch-halo"></span>padding halo</li>
        <li class="key-source"><span class="swatch-text">2,1</span>halo copies input[…, 2, 1]</li>
        <li><span class="swatch swatch-unused"></span>never read (floor)</li>
        <li><span class="swatch swatch-focus"></span>kernel footprint</li>
        <li><span class="swatch swatch-ghost"></span>previous position, → stride</li>
      </ul>
      <p class="hint">Click an input cell to change its value, or “paste…” to type the whole tensor.</p>
    </footer>
  </section>
  <section class="card" id="card-im2col" data-view="im2col" aria-labelledby="title-im2col">
    <header class="card-head">
      <h2 id="title-im2col">Conv2d = Unfold + Matmul + Fold</h2>
    </header>
    <figure id="im2col-figure" class="figure">
      <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="im2col" role="img" aria-label="The unfolded columns, the weight matrix, their product, and the fold with a 1×1 kernel that lays the product out as the output"></canvas></div>
      <figcaption class="hint">Every output cell is one column of <code>F.unfold(x)</code> multiplied by one row of the weights; <code>F.fold(product, (H_out, W_out), kernel_size=1)</code> puts column <i>l</i> back at cell (<i>l</i> // W_out, <i>l</i> % W_out) — the fold with a 1×1 kernel is that reshape. Copy as PyTorch writes the whole equivalence. With groups &gt; 1 the weight matrix is block-diagonal: the hatched blocks are the weights that do not exist. Hover anything to see where it comes from.</figcaption>
    </figure>
  </section>
  <section class="card" id="card-shapes" data-view="shapes" aria-labelledby="title-shapes">
    <header class="card-head">
      <h2 id="title-shapes">Why this shape</h2>
    </header>
    <div id="shapes" class="shapes"></div>
  </section>
  <section class="card" id="card-groups" data-view="channels" aria-labelledby="title-groups">
    <header class="card-head">
      <h2 id="title-groups">Channels and groups</h2>
      <div class="card-tools">
        <button type="button" class="fill" data-action="groups-1">groups=1</button>
        <button type="button" class="fill" data-action="depthwise" title="groups = in_channels (out_channels becomes a multiple of it)">depthwise</button>
      </div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="channels" role="img" aria-label="Which input channels feed which output channels: one line per kernel, coloured by group"></canvas></div>
    <p id="groups-note" class="hint groups-note"></p>
  </section>
</div>
<div class="col col-b">
  <section class="card" id="card-output" data-view="output" aria-labelledby="title-output">
    <header class="card-head">
      <h2 id="title-output">Output <span class="var">y</span></h2>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="output" role="img" aria-label="The output tensor, filled cell by cell; the dot product below spells out the current cell"></canvas></div>
    <div id="dot-product" class="dot-product" data-view="dotproduct" aria-live="off"></div>
    <footer class="card-foot">
      <div class="legend" data-scale="y"></div>
    </footer>
  </section>
  <section class="card" id="card-weights" data-view="weights" aria-labelledby="title-weights">
    <header class="card-head">
      <h2 id="title-weights"><span data-flip-title="off">Weights <span class="var">w</span></span><span data-flip-title="on" hidden><span class="var">flip(w)</span>, the kernel each footprint multiplies by,</span> and bias <span class="var">b</span></h2>
      <span class="seg" role="group" aria-label="which operation the page shows">
        <button type="button" class="fill" data-conv="xcorr" aria-pressed="true" title="What nn.Conv2d computes: Σ x[n + a]·w[a]">cross-correlation (PyTorch)</button>
        <button type="button" class="fill" data-conv="flip" aria-pressed="false" title="The convolution of signal processing: Σ x[n − a]·w[a], the kernel flipped">convolution (flipped)</button>
      </span>
      <div class="card-tools" data-fills="weight"></div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="weights" role="img" aria-label="The kernels, one per output and input channel, and the bias of each output channel"></canvas></div>
    <p id="flip-check" class="f-check flip-check" role="status" hidden></p>
    <footer class="card-foot">
      <div class="legend" data-scale="w"></div>
      <p class="hint">Click a weight or bias to change it, or “paste…” to type every weight.</p>
    </footer>
  </section>
</div>

`;
