// The backward pane's cards: static markup (no user text). Ids are prefixed per app instance by
// the app (app/markup.js); canvases are found by their data-canvas name.

export const CARDS = `
<div class="card-wide pane-bar" data-view="loss stamp taps">
  <div class="bw-loss-pick">
    <label for="bw-loss">loss</label>
    <select id="bw-loss">
      <option value="sum">y.sum()</option>
      <option value="weighted">(y * g).sum()</option>
      <option value="mse">F.mse_loss(y, t)</option>
    </select>
  </div>
  <fieldset class="segmented" aria-describedby="bw-step-help">
    <legend>Step through</legend>
    <input type="radio" name="bw-step" id="bw-step-input" value="input" checked><label for="bw-step-input">∂L/∂y stamps, then weight taps</label>
    <input type="radio" name="bw-step" id="bw-step-output" value="output"><label for="bw-step-output">∂L/∂x cells</label>
  </fieldset>
  <p id="bw-step-help" class="hint">Hover any cell: the cells it comes from or goes to light up in every view.</p>
</div>
<div class="col col-a">
  <section class="card" id="card-gy" data-view="loss" aria-labelledby="title-gy">
    <header class="card-head">
      <h2 id="title-gy">Loss and <span class="var">∂L/∂y</span></h2>
    </header>
    <p id="bw-loss-line" class="formula" aria-live="polite"></p>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="loss" role="img" aria-label="y, the loss's own tensor, the gradient of the loss with respect to y, and y after one SGD step, one grid per output channel"></canvas></div>
    <footer class="card-foot">
      <div class="legend" data-scale="y"></div>
      <div class="legend" data-scale="gy"></div>
    </footer>
  </section>
  <section class="card" id="card-sgd" data-view="sgd" aria-labelledby="title-sgd">
    <header class="card-head">
      <h2 id="title-sgd">One SGD step</h2>
      <div class="card-tools" data-fills="weight"></div>
    </header>
    <div class="bw-sgd-row">
      <label for="bw-lr">lr</label>
      <input id="bw-lr" class="bw-lr" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" aria-describedby="bw-lr-error">
      <button type="button" id="bw-sgd-step" class="fill">Step: W ← W − lr·∂L/∂W</button>
    </div>
    <p id="bw-lr-error" class="ctl-error" role="alert" hidden></p>
    <p id="bw-sgd" class="hint" aria-live="polite"></p>
    <p class="hint">The step writes the new weights and bias as edits: Back undoes it, the link carries it.</p>
  </section>
</div>
<div class="col col-b">
  <section class="card" id="card-gx" data-view="stamp" aria-labelledby="title-gx">
    <header class="card-head">
      <h2 id="title-gx"><span class="var">∂L/∂x</span>: each ∂L/∂y cell stamps its kernel</h2>
    </header>
    <p class="hint">This scatter-add is <code id="bw-transpose-repr"></code> applied to ∂L/∂y. <button type="button" id="bw-open-transpose" class="fill">Open it in its tab</button></p>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="stamp" role="img" aria-label="Each gradient cell of y times its kernel is added onto the padded input's grid; the halo's gradient folds back onto the cells it copies"></canvas></div>
    <div id="gx-sum" class="dot-product" aria-live="off"></div>
    <footer class="card-foot">
      <div class="legend" data-scale="gx"></div>
      <ul class="key">
        <li><span class="swatch swatch-halo"></span>padding halo</li>
        <li><span class="swatch swatch-focus"></span>current stamp</li>
      </ul>
    </footer>
  </section>
  <section class="card" id="card-gw" data-view="taps" aria-labelledby="title-gw">
    <header class="card-head">
      <h2 id="title-gw"><span class="var">∂L/∂W</span> tap by tap, <span class="var">∂L/∂b</span></h2>
      <div class="card-tools" data-fills="input"></div>
    </header>
    <div class="canvas-wrap"><canvas class="view-canvas" data-canvas="taps" role="img" aria-label="Each weight's gradient: the input window that tap read at every output cell, times the gradient of y, summed"></canvas></div>
    <div id="gw-dot" class="dot-product" aria-live="off"></div>
    <p id="gb-line" class="formula"></p>
    <footer class="card-foot">
      <div class="legend" data-scale="gw"></div>
      <div class="legend" data-scale="x"></div>
    </footer>
  </section>
</div>
`;
