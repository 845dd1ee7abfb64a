// The example deck's one script (no inline script: the deck runs under a strict CSP).
import Reveal from './vendor/reveal/reveal.mjs';

const deck = new Reveal({
  hash: true, // each slide has its own link (#/conv, #/ones, #/roundtrip)
  width: 1280,
  height: 960,
  margin: 0.02,
  center: false,
  transition: 'fade',
});
deck.initialize();
window.deck = deck; // for the browser test (tests/e2e/slides.test.mjs) and the console
