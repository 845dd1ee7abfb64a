// The modes, in tab order: one line each. A mode is a folder of its own behind the contract of
// contract.js; adding one is a new folder and a line here (www/README.md says how).

import { DEFAULT_MODE_NAME } from '../lib/params.js';
import { mode as conv2d } from './conv2d/index.js';
import { mode as convTranspose2d } from './convtranspose2d/index.js';
import { mode as unfold } from './unfoldfold/index.js';
import { mode as matrix } from './matrix/index.js';
import { mode as backward } from './backward/index.js';
import { mode as pooling } from './pooling/index.js';
import { mode as stack } from './stack/index.js';
import { mode as conv1d } from './conv1d/index.js';

/** @type {ReadonlyArray<import('./contract.js').Mode>} */
export const MODES = Object.freeze([conv2d, convTranspose2d, unfold, matrix, backward, pooling, conv1d, stack]);

/** The mode a page opens on, and that a link without `mode=` means (the default state's). */
export const DEFAULT_MODE = MODES.find((m) => m.name === DEFAULT_MODE_NAME);

/** Every mode's name, in tab order (what a link's `mode=` may say). */
export const MODE_NAMES = Object.freeze(MODES.map((m) => m.name));

/** A mode by name (undefined for a name no mode has). */
export function modeByName(name) {
  return MODES.find((m) => m.name === name);
}
