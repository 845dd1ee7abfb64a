// Which control a refusal is shown under: the argument it is about. A leaf module (pure, tested
// in tests/node/typed-values.test.mjs): the modes tag their errors with it (modes/common.js
// blameError), and the app places any error that comes untagged.

import { PARAM } from './params.js';

/**
 * The messages about two arguments at once — the kernel against the padded input, reflect /
 * circular padding against the input, an empty output — and the arguments each is about. Such a
 * message is shown under the one of those the learner just moved (where they are looking), else
 * under the argument the error names.
 */
const CONFLICTS = [
  [/Kernel size can't be greater/, ['kernel_size', 'height', 'width', 'padding', 'dilation']],
  [/Padding size should be less|wrapping around/, ['padding', 'height', 'width', 'padding_mode']],
  [/Output size is too small/, ['height', 'width', 'kernel_size', 'stride', 'padding', 'dilation', 'output_padding']],
];

/**
 * Which control an error of the wasm core (or its message) belongs to. In order: the channel
 * count a "… must be divisible by groups" message names; for a conflict (CONFLICTS) the argument
 * just edited when it is one of the conflict's; the error's own argument — its `.arg` (the core's
 * JS errors carry it) or the `"<arg>: "` that starts its message; for a message that names no
 * argument of the table, the argument just edited, else kernel_size.
 * @param {Error|string} error
 * @param {string|null} lastEdited
 */
export function blameParam(error, lastEdited) {
  const message = String(error && error.message !== undefined ? error.message : error);
  const subject = /\b(in_channels|out_channels) must be divisible by groups/.exec(message);
  if (subject) return subject[1];
  const conflict = CONFLICTS.find(([re]) => re.test(message));
  if (conflict && conflict[1].includes(lastEdited)) return lastEdited;
  const arg = error && typeof error.arg === 'string' ? error.arg : (/^([a-z_]+):/.exec(message) ?? [])[1];
  if (arg && PARAM[arg]) return arg;
  return lastEdited && PARAM[lastEdited] ? lastEdited : 'kernel_size';
}
