import { isSafeNumber, parse as parseLossless } from 'lossless-json';

/** A JSON value after lossless parsing: integers beyond 2^53 arrive as decimal strings. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

// A JSON number token of 16 or more digits may exceed Number.MAX_SAFE_INTEGER (2^53 - 1, 16 digits).
// Branch sends 18-19 digit ids (`~id`, `di_match_click_token`, `click_id`) as bare numbers.
const LONG_NUMBER_TOKEN = /[:[,]\s*-?\d{16,}/;

/**
 * Parses JSON without losing integer precision. Integers that do not fit a double exactly are
 * returned as their decimal string; every other number is a `number`.
 *
 * @throws SyntaxError when the text is not JSON.
 */
export function parseJsonLossless(text: string): JsonValue {
  // JSON.parse is exact when no number token is long enough to be unsafe, and much faster.
  if (!LONG_NUMBER_TOKEN.test(text)) return JSON.parse(text) as JsonValue;
  return parseLossless(text, null, parseNumber) as JsonValue;
}

function parseNumber(token: string): number | string {
  if (isSafeNumber(token)) return Number(token);
  if (/^-?\d+$/.test(token)) return token.replace(/^(-?)0+(?=\d)/, '$1');
  // A fraction or exponent with more digits than a double holds: keep the nearest double.
  return Number(token);
}

/** Tells whether a JSON value is a plain object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
