// The contract between the app (and its classroom tools) and a mode. A mode is one folder
// `modes/<name>/` whose `index.js` exports a `mode` object of type `Mode`; `registry.js` lists
// them. Nothing outside `modes/` names a mode or imports a mode's folder: the app, the controls and
// the classroom tools ask the mode through these fields. www/README.md quotes this typedef.
//
// A mode object is shared by every mounted app: it holds no state. What an app instance keeps
// for a mode (a probe cache, the DOM it built) is handed to it in `ctx` (`ModeContext`).

/**
 * @typedef {object} Mode
 * @property {string} name          the mode's name in links (`mode=<name>`) and `data-mode`
 * @property {string} tab           the tab's label
 * @property {string} title         the controls' heading ("nn.Conv2d arguments")
 * @property {string} cards         the pane's markup: a static HTML string (no user text) of its
 *                                  cards, with `data-canvas="<view>"` canvases and ids that the
 *                                  app prefixes per instance
 * @property {(api: object, state: object, lastEdited: string|null) => Model} build
 *                                  the wasm calls → a model (the expensive path); throws an Error
 *                                  whose `.param` names the argument to show the message under
 * @property {(api: object, params: object, memo: object) => object} bounds
 *                                  each slider's reachable values (keys `name` or `name.axis`);
 *                                  `memo` is the app's own cache object for this mode
 * @property {Array<[string, View]>} views   canvas name → view module (`layout`, `draw`, `hit`)
 * @property {(model: Model, position: number, target: object|null) => object} focus
 *                                  timeline position + hovered target → what every view emphasises
 * @property {(model: Model, target: object|null) => object|null} valid
 *                                  a target kept across a recompute, or null when it is gone
 * @property {(params: object, model: Model) => string} repr   the header: `print(layer)` or the call
 * @property {(model: Model) => Array<[string, number[]]>} shapes  [[input name, shape], [output name, shape]]
 * @property {(model: Model, timeline: object, focus: object, now: number) => object} frame
 *                                  per-frame extras the views draw from (glide, ghost)
 * @property {(model: Model, position: number) => string} positionText  the timeline's caption
 * @property {(model: Model, ctx: ModeContext) => void} renderDom  DOM text after a recompute
 * @property {(model: Model, focus: object, position: number, linked: object|null, changed: boolean,
 *             ctx: ModeContext) => void} frameDom            DOM kept in step every frame
 * @property {(focus: object) => string} focusKey   what frameDom's costly part depends on
 * @property {(ctx: ModeContext) => void} [init]    wire the mode's own controls (once per app)
 * @property {(target: object, ctx: ModeContext) => boolean} [onClick]  a click it handles itself
 * @property {(api: object, params: object, from: Mode) => {params: object, note?: string}} [enter]
 *                                  parameter changes when the learner switches to this mode from
 *                                  `from` (e.g. the transposed layer of the Conv2d just built), and
 *                                  the line that tells the learner so
 * @property {(model: Model) => Array<[string, {shape: number[], data: Float32Array}]>} [outputs]
 *                                  the tensors the mode's call returns, the one `shapes` names first
 *                                  (what a host reads back: the Jupyter widget's `w.output`)
 * @property {boolean} [keepsImage] an image input stays the input in this mode
 * @property {boolean} [oneAxis]   a 1-D layer: pair arguments show their width slider only, which sets both numbers
 * @property {string} [module]      its ops are in a wasm module of their own (e.g. 'more'): the app
 *                                  loads it on first use and `build` finds it as `api[module]`
 * @property {ClassroomHooks} classroom  what the classroom tools need
 */

/**
 * @typedef {object} ClassroomHooks
 * @property {(model: Model, state: object, api: object) => string} python
 *                                  "Copy as PyTorch": runnable code reproducing the screen
 * @property {string} fileBase      export file names: `<fileBase>_k3_s2_p1.gif`
 * @property {(state: object, model: Model|null) => string} [fileTail]
 *                                  the name after `<fileBase>_` when the Conv2d arguments do not
 *                                  describe the picture (`stack_3layers_rf7x7`, `pool_max_k2_s2`);
 *                                  '' falls back to `_k…_s…_p…`
 * @property {(model: Model) => string[]} gifViews  the canvases a GIF shows, side by side
 * @property {'oihw'|'iohw'|null} weightLayout
 *                                  how paste… reads w: [C_out, C_in/g, kh, kw] ('oihw', Conv2d),
 *                                  [C_in, C_out/g, kh, kw] ('iohw', ConvTranspose2d), or null
 * @property {ShapeQuestion|null} shape  Predict first: the output-shape question
 * @property {ValueQuestion|null} value  Predict first: the current cell's value question
 * @property {ImageHook|null} image       an image as the input: what a kernel choice does
 * @property {boolean} groups       the layer has groups (depthwise / groups=1 buttons, file names)
 */

/**
 * @typedef {object} ShapeQuestion
 * @property {(model: Model, params: object) => string} question
 * @property {string} placeholder
 * @property {(model: Model) => number[]} expected
 * @property {(model: Model, params: object) => string[]} explain
 */

/**
 * @typedef {object} ValueQuestion
 * @property {(cell: {co: number, oh: number, ow: number}) => string} question
 * @property {(model: Model, cell: object) => string} explain
 * @property {(model: Model, cell: object) => number} [expected]  the asked cell's value (default:
 *                                  `model.output` at the cell; the Backward tab asks for x.grad)
 * @property {(model: Model) => string} [refusal]  why the question cannot be asked now ('' = it can)
 * @property {object} [ui]           ui changes that make it askable (e.g. `{ step: 'output' }`)
 */

/**
 * @typedef {object} ImageHook
 * @property {'kernel'|'upsampler'} choice   what the image panel's menu offers
 * @property {number} maxSide                the largest image side in this mode
 */

/**
 * @typedef {object} ModeContext   what an app hands a mode (one per mounted app)
 * @property {object} store        the app's Store
 * @property {object} api          the wasm functions
 * @property {object} timeline     the app's Timeline
 * @property {(sel: string) => Element|null} $     one element inside the app (`#id` is prefixed)
 * @property {(sel: string) => Element[]} $$        every matching element inside the app
 * @property {(target: EventTarget, type: string, fn: Function, opts?: object) => void} listen
 *                                  add a listener the app removes on destroy()
 * @property {(target: object|null) => void} setHover  link a hover to every view
 * @property {() => void} pushHistory   the next URL write adds a history entry
 * @property {() => void} markDirty     redraw in the next frame
 */

/**
 * @typedef {object} Model   what `build` returns: `kind`, `total` (timeline length),
 *   `position(p)`, `scales` (legend maxima by scale name) and `dispose()`, plus whatever its views read
 */

/**
 * @typedef {object} View
 * @property {string} id
 * @property {(model: Model, width: number) => object} layout   geometry: `{ height, …grids }`
 * @property {(ctx: object, model: Model, t: object, focus: object, geom: object) => void} draw
 * @property {(model: Model, geom: object, x: number, y: number) => object|null} hit
 */

/** The fields every mode must have (tests/node/modes.test.mjs checks each registered mode). */
export const REQUIRED = [
  'name', 'tab', 'title', 'cards', 'build', 'bounds', 'views', 'focus', 'valid', 'repr', 'shapes',
  'frame', 'positionText', 'renderDom', 'frameDom', 'focusKey', 'classroom',
];
/** The classroom hooks every mode must have. */
export const CLASSROOM = ['python', 'fileBase', 'gifViews', 'weightLayout', 'shape', 'value', 'image', 'groups'];
