import { InvalidBodyError } from '../errors';
import { parseCurrentFormat } from './current-format';
import type { BranchEvent } from './event';
import { hasGroupedKey, hasTemplateKeys, parseFlatFields } from './flat-format';
import { isJsonObject, MAX_JSON_DEPTH, measureJsonDepth, parseJsonLossless, type JsonObject, type JsonValue } from './json';
import { parseLegacyFormat } from './legacy-format';

/** The parts of a webhook request a parser reads. */
export interface BranchRequest {
  /** HTTP method; `GET` and `HEAD` requests are read from the query string alone. */
  method: string;
  /** Request body as text, empty when there is none. */
  body: string;
  /** `Content-Type` header, if any. */
  contentType?: string;
  /** Decoded query parameters, without the webhook secret. */
  query?: Readonly<Record<string, string>>;
}

/**
 * Parses a webhook request into the canonical Branch event. The format is detected from the
 * request, never taken from configuration:
 * - a body that starts with `{`, `[` or `"` is JSON. An object with `user_data` or
 *   `last_attributed_touch_data` is the current format, one with `event` the legacy format. An object
 *   of strings with `<group>.<key>` keys is the template's flat format, and one with `name` the
 *   current format;
 * - any other non-empty body sent as `application/x-www-form-urlencoded`, or starting with `key=`,
 *   is form data in the flat format, and the rest fails as invalid JSON;
 * - a `GET` or `HEAD` request, or one with an empty body, is read from its query string, which the
 *   template renders in the flat format.
 *
 * @throws InvalidBodyError when there is nothing to read, or the body is not JSON, form data or of a known format.
 * @throws InvalidEventError when a known format lacks what the mapping needs.
 */
export function parseBranchRequest(request: BranchRequest): BranchEvent {
  const method = request.method.toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? '' : request.body;
  const query = request.query ?? {};

  if (body.trim() !== '') {
    const isForm = !looksLikeJson(body) && (isFormContentType(request.contentType) || looksLikeForm(body));
    return isForm ? parseFlatPairs(readFormBody(body), 'Form body') : parseJsonBody(body);
  }
  if (Object.keys(query).length > 0) return parseFlatPairs(query, 'Query string');
  throw new InvalidBodyError('empty_body', `${method} request has neither a body nor query parameters`);
}

/**
 * Parses a webhook body sent with POST: JSON of either Branch format, a flat JSON object of the
 * template's keys, or form data.
 *
 * @throws InvalidBodyError when the body is empty, not JSON or form data, or of no known format.
 * @throws InvalidEventError when a known format lacks what the mapping needs.
 */
export function parseBranchBody(body: string): BranchEvent {
  if (body.trim() === '') throw new InvalidBodyError('empty_body', 'Request body is empty');
  return parseBranchRequest({ method: 'POST', body });
}

function parseJsonBody(body: string): BranchEvent {
  let parsed: JsonValue;
  try {
    parsed = parseJsonLossless(body);
  } catch (error) {
    throw new InvalidBodyError('invalid_json', `Request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isJsonObject(parsed)) {
    throw new InvalidBodyError('invalid_body', `Request body must be a JSON object; got ${describeJson(parsed)}`);
  }
  // Recursive steps later on (limits, hashing) must never meet a body deep enough to overflow the stack.
  if (measureJsonDepth(parsed) > MAX_JSON_DEPTH) {
    throw new InvalidBodyError('invalid_body', `Request body nests objects or lists more than ${MAX_JSON_DEPTH} levels deep`);
  }

  if (Object.hasOwn(parsed, 'user_data') || Object.hasOwn(parsed, 'last_attributed_touch_data')) return parseCurrentFormat(parsed);
  if (Object.hasOwn(parsed, 'event')) return parseLegacyFormat(parsed);
  if (isFlatObject(parsed)) return parseFlatFields(parsed as Record<string, string | null>);
  if (Object.hasOwn(parsed, 'name')) return parseCurrentFormat(parsed);
  throw unknownFormat(parsed, 'Body');
}

function parseFlatPairs(fields: Readonly<Record<string, string>>, source: string): BranchEvent {
  if (!Object.hasOwn(fields, 'name') && !hasTemplateKeys(Object.keys(fields))) throw unknownFormat(fields, source);
  return parseFlatFields(fields);
}

// Reads form data; the first of repeated keys wins. Keys are trimmed, so a template written one
// pair per line still works.
function readFormBody(body: string): Record<string, string> {
  const fields = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(body.trim())) {
    const trimmed = key.trim();
    if (trimmed !== '' && !fields.has(trimmed)) fields.set(trimmed, value);
  }
  return Object.fromEntries(fields);
}

// The template always renders `<group>.<key>` keys, which a nested current-format body never has.
function isFlatObject(object: JsonObject): boolean {
  const values = Object.values(object);
  return values.every((value) => typeof value === 'string' || value === null) && hasGroupedKey(Object.keys(object));
}

function looksLikeJson(body: string): boolean {
  return /^\s*[[{"]/.test(body);
}

function looksLikeForm(body: string): boolean {
  return /^\s*[^=&\s]+=/.test(body);
}

function isFormContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.trim().toLowerCase().startsWith('application/x-www-form-urlencoded');
}

function unknownFormat(object: Readonly<Record<string, unknown>>, source: string): InvalidBodyError {
  const keys = Object.keys(object).slice(0, 10).join(', ');
  return new InvalidBodyError(
    'unknown_format',
    `${source} is not a Branch webhook: no "name", "event" or template key (keys: ${keys || 'none'})`,
  );
}

function describeJson(value: JsonValue): string {
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return value === null ? 'null' : `a ${typeof value}`;
}
