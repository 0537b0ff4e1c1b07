/** A copy of a JSON value with long strings cut, so tool arguments and results fit in a message. */
export function truncateValue(value: unknown, maxChars = 4000, depth = 0): unknown {
  if (typeof value === 'string') {
    return value.length > maxChars ? `${value.slice(0, maxChars)}… (${value.length} characters)` : value;
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => truncateValue(v, maxChars, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, truncateValue(v, maxChars, depth + 1)]),
  );
}
