import { collectLargeNumbers, quoteUnsafeNumbers, quoteUnsafeNumbersOfValidJson, restoreLargeNumbers, type LargeNumberSlot } from './json-numbers';

/** A JSON value after lossless parsing: integers beyond 2^53 arrive as decimal strings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/** Deepest nesting a webhook body may have. Branch bodies are at most 4 levels deep. */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses JSON without losing integer precision. Integers that do not fit a double exactly, and
 * numbers too large for a double, are returned as their decimal text. Every other number is a
 * `number`. Duplicate keys keep the last value, as `JSON.parse` does.
 *
 * @throws SyntaxError when the text is not JSON.
 */
export function parseJsonLossless(text: string): JsonValue {
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    // Quoting can turn some invalid texts into JSON (a bare big number as a key), and it shifts
    // the positions in JSON.parse's message, so invalid text is quoted before parsing.
    return JSON.parse(quoteUnsafeNumbers(text)) as JsonValue;
  }
  if (typeof value !== 'object' || value === null) return value;

  // Most bodies contain no large number, and most of the others can be corrected in place. The rest
  // are parsed again with their unsafe tokens quoted.
  const slots: LargeNumberSlot[] = [];
  if (collectLargeNumbers(value, slots)) {
    if (slots.length === 0 || restoreLargeNumbers(text, slots)) return value;
  }
  const quoted = quoteUnsafeNumbersOfValidJson(text);
  return quoted === text ? value : (JSON.parse(quoted) as JsonValue);
}

/** Tells whether a JSON value is a plain object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Measures how deeply objects and lists nest in a value (a scalar is 0), stopping once `limit` is
 * exceeded. The recursion never goes deeper than `limit + 1`, so a hostile body cannot exhaust
 * the call stack.
 */
export function measureJsonDepth(value: JsonValue, limit = MAX_JSON_DEPTH): number {
  if (typeof value !== 'object' || value === null) return 0;
  if (limit <= 0) return 1;
  let deepest = 0;
  const members = Array.isArray(value) ? value : Object.values(value);
  for (const member of members) {
    const depth = measureJsonDepth(member, limit - 1);
    if (depth > deepest) deepest = depth;
    if (deepest >= limit) break;
  }
  return deepest + 1;
}
