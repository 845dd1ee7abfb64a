// Hover targets: what a view's hit test returns ({ kind, …indices }), compared by value.

/** Whether two targets are the same cell. */
export function sameTarget(a, b) {
  if (a === b) return true;
  if (!a || !b || a.kind !== b.kind) return false;
  for (const key of Object.keys(a)) if (a[key] !== b[key]) return false;
  return true;
}
