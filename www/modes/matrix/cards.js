// The matrix pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<section class="card card-wide ph-1" id="card-matrix" data-view="matrix" aria-labelledby="title-matrix">
  <header class="card-head">
    <h2 id="title-matrix"><span id="matrix-title-name">C: the convolution as a matrix</span></h2>
    <div class="card-tools matrix-tools">
      <label class="pick">input channel <select id="pair-in"></select></label>
      <label class="pick">output channel <select id="pair-out"></select></label>
      <span class="seg" role="group" aria-label="matrix">
        <button type="button" class="fill" data-matrix="C" aria-pressed="true">y = C·x</button>
        <button type="button" class="fill" data-matrix="T" aria-pressed="false">x̂ = Cᵀ·y</button>
      </span>
    </div>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="matrix" role="img" aria-label="The sparse convolution matrix with the vector it multiplies and the result; hover an entry to see its input and output cell"></canvas></div>
  <div id="matrix-row" class="dot-product" aria-live="off"></div>
  <div id="matrix-checks" class="checks" role="status"></div>
  <footer class="card-foot">
    <div class="legend" data-scale="w"></div>
    <p class="hint">Each row of C is the kernel, flattened and shifted to one output position; blank entries are zeros. Hover an entry to see the input cell (column) and output cell (row) it links.</p>
  </footer>
</section>
<section class="card ph-2" id="card-mchannels" data-view="channels" aria-labelledby="title-mchannels">
  <header class="card-head">
    <h2 id="title-mchannels">Which pair? (channels and groups)</h2>
    <div class="card-tools">
      <button type="button" class="fill" data-action="groups-1">groups=1</button>
      <button type="button" class="fill" data-action="depthwise">depthwise</button>
    </div>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="m-channels" role="img" aria-label="Input and output channels; click a line to show that pair's matrix"></canvas></div>
  <p class="hint">Click a line to show that (input, output) pair. A Conv2d is one such C per line: y[co] = Σ C[co, ci]·x[ci] + b[co].</p>
</section>
<section class="card ph-4" id="card-mnote" data-view="note" aria-labelledby="title-mnote">
  <header class="card-head"><h2 id="title-mnote">Why Cᵀ is the transposed convolution</h2></header>
  <div class="shapes">
    <p class="f-unused">C maps an input of H·W numbers to H_out·W_out outputs. Its transpose maps back the other way, shape for shape: H_out·W_out numbers to H·W. Multiplying by Cᵀ sends each output cell's value back along the same kernel weights that produced it — exactly the scatter-add of <code>ConvTranspose2d</code> (and the gradient of <code>Conv2d</code> with respect to its input).</p>
    <p class="f-unused">Cᵀ is not C⁻¹: x̂ = Cᵀ·C·x has x's shape, not x's values.</p>
  </div>
</section>

`;
