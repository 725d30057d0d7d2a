/** A JSON value after lossless parsing: integers beyond 2^53 arrive as decimal strings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

/** Deepest nesting a webhook body may have. Branch bodies are at most 4 levels deep. */
export const MAX_JSON_DEPTH = 32;

// A number token that JSON.parse may change, in value position: 16+ digits can exceed
// Number.MAX_SAFE_INTEGER (2^53 - 1, 16 digits), and a 3-digit exponent can overflow to Infinity.
// Branch sends 18-19 digit ids (`~id`, `di_match_click_token`, `click_id`) as bare numbers. Ids
// sent as strings do not match, so most bodies skip the rewrite. Text inside a string that looks
// like `: 12345678901234567` only costs a rewrite, which leaves strings alone.
const UNSAFE_NUMBER_HINT = /[:[,]\s*-?(?:\d{16}|[\d.]+[eE][+-]?\d{3})/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Parses JSON without losing integer precision. Integers that do not fit a double exactly, and
 * numbers too large for a double, are returned as their decimal text. Every other number is a
 * `number`. Duplicate keys keep the last value, as `JSON.parse` does.
 *
 * @throws SyntaxError when the text is not JSON.
 */
export function parseJsonLossless(text: string): JsonValue {
  const safeText = UNSAFE_NUMBER_HINT.test(text) ? quoteUnsafeNumbers(text) : text;
  return JSON.parse(safeText) as JsonValue;
}

// A JSON string, or a run of number characters outside strings.
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d[-+.\deE]*/g;

// Rewrites unsafe number tokens outside strings as JSON strings, so JSON.parse keeps their digits.
// Tokens that are not valid JSON numbers stay as they are, for JSON.parse to reject.
function quoteUnsafeNumbers(text: string): string {
  return text.replace(STRING_OR_NUMBER, (token) => {
    if (token.startsWith('"') || !JSON_NUMBER.test(token) || isExactDouble(token)) return token;
    return `"${token}"`;
  });
}

function isExactDouble(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  const isInteger = !/[.eE]/.test(token);
  return !isInteger || Number.isSafeInteger(value);
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
