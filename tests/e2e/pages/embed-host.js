// The embed test's host page: every 'change' event of its elements, kept for the test to read.
window.changes = [];
document.addEventListener('change', (e) => {
  if (e.target.localName === 'conv-viz') window.changes.push({ id: e.target.id, state: e.detail.state });
});
