/** A value as messages show it: JSON, so that strings are quoted and objects readable. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
