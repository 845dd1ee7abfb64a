// The Stack pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<section class="card card-wide ph-1" id="card-paths" data-view="paths" aria-labelledby="title-paths">
  <header class="card-head">
    <h2 id="title-paths">Receptive field: one output cell traced back</h2>
    <div class="card-tools" data-fills="input"></div>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="paths" role="img" aria-label="Every map of the stack, input first: how many paths lead from the traced output cell to each cell, the receptive field outlined on each map; hover an output cell to trace it"></canvas></div>
  <p id="stack-summary" class="f-check" role="status"></p>
  <footer class="card-foot">
    <div class="legend" data-scale="count"></div>
    <ul class="key">
      <li><span class="swatch swatch-halo"></span>padding the next layer adds</li>
      <li><span class="swatch swatch-focus"></span>the traced output cell</li>
    </ul>
    <p class="hint">Hover (or click to pin) a cell of the output, on the right, to trace it back. Each number counts the paths through the layers from that output cell to the cell: a conv tap or a pooling window's cell is one step. The outlined box on each map is the receptive field there.</p>
  </footer>
</section>
<section class="card card-wide ph-4" id="card-stack" data-view="layers" aria-labelledby="title-stack">
  <header class="card-head">
    <h2 id="title-stack">Layer by layer: sizes, receptive field, parameters</h2>
  </header>
  <div class="table-wrap">
    <table id="stack-table" class="stack-table">
      <caption class="sr-only">Each layer's arguments, output size, receptive field and parameter count</caption>
      <thead>
        <tr><th scope="col">layer</th><th scope="col">kernel</th><th scope="col">stride</th><th scope="col">padding</th><th scope="col">dilation</th><th scope="col">output</th><th scope="col">field</th><th scope="col">jump</th><th scope="col">start</th><th scope="col">weights</th></tr>
      </thead>
      <tbody id="stack-rows"></tbody>
    </table>
  </div>
  <p class="hint">field: how many input cells (rows × columns) one cell of the layer's output sees; jump: how far that window moves per output cell; start: where output cell 0's window begins (negative: in the padding). Weights: nn.Conv2d(1, 1, k, bias=False) has kh·kw; a pooling has none.</p>
</section>
<section class="card card-wide ph-2" id="card-values" data-view="values" aria-labelledby="title-values">
  <header class="card-head">
    <h2 id="title-values">What each layer computes</h2>
  </header>
  <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="values" role="img" aria-label="The values of every map: the input, then each layer's output (every conv weight 1, no bias), the cells the traced output cell depends on outlined"></canvas></div>
  <footer class="card-foot">
    <div class="legend" data-scale="x"></div>
    <p class="hint">Every conv weight is 1 and there is no bias, so a conv cell adds the cells under its kernel; max / avg pooling take their window's largest value / mean.</p>
  </footer>
</section>
`;
