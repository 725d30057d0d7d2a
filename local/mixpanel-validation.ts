/**
 * Strict-mode (`strict=1`) validation of one event, as Mixpanel's `/import` documents it.
 *
 * Sources: "Import Events" in Mixpanel's API reference (docs.mixpanel.com/reference/import-events,
 * "High-level requirements" and the `properties.*` sections) and the "400 Bad Request" and
 * "413 Payload Too Large" troubleshooting pages. Messages follow the documented form
 * `'<field>' is invalid: <reason>`.
 */

/** One row of the `failed_records` list in a strict `/import` 400 response. */
export interface FailedRecord {
  index: number;
  $insert_id?: string;
  field: string;
  message: string;
}

/** Start of 1971-01-01 UTC in epoch ms. Mixpanel rejects events dated earlier. */
export const MIN_EVENT_TIME_MS = Date.UTC(1971, 0, 1);

/** Mixpanel rejects events dated more than one hour after its own clock. */
export const MAX_FUTURE_MS = 60 * 60 * 1000;

/** Each event must be smaller than 1 MB of uncompressed JSON. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Events, nested objects and lists must each have fewer than 255 properties, keys or items. */
export const MAX_COLLECTION_SIZE = 255;

/** Nested objects may be at most 3 levels deep, counting the property's own object as level 1. */
export const MAX_OBJECT_DEPTH = 3;

/**
 * Placeholder values that Mixpanel rejects for `distinct_id` and `$insert_id`, from the list in
 * "Import Events". NOTE: the docs list them in lower case only; matching them case-insensitively
 * is a guess.
 */
const DISALLOWED_IDS = new Set([
  '00000000-0000-0000-0000-000000000000',
  'anon',
  'anonymous',
  'nil',
  'none',
  'null',
  'n/a',
  'na',
  'undefined',
  'unknown',
  '<nil>',
  '0',
  '-1',
  'true',
  'false',
  '[]',
  '{}',
]);

/** `$insert_id` must be at most 36 bytes of ASCII letters, digits and `-`. */
const INSERT_ID_PATTERN = /^[A-Za-z0-9-]{1,36}$/;

/** A UTF-16 surrogate without its pair, which cannot be encoded as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Validates one event of an `/import` batch in strict mode and returns its failed record, or
 * `undefined` when Mixpanel would import it. Only the first problem found is reported, because
 * `failed_records` has one row per failed event. `nowMs` is the server clock for the
 * one-hour-in-the-future rule.
 *
 * Strings longer than 255 characters (event names, property names and values) are not rejected:
 * the docs say Mixpanel truncates them.
 */
export function validateImportEvent(event: unknown, index: number, nowMs: number): FailedRecord | undefined {
  if (!isPlainObject(event)) return fail(index, undefined, 'event', 'record must be a JSON object');

  const properties = event.properties;
  const insertId = isPlainObject(properties) && typeof properties.$insert_id === 'string' ? properties.$insert_id : undefined;
  const reject = (field: string, reason: string): FailedRecord => fail(index, insertId, field, reason);

  const name = event.event;
  if (name === undefined || name === null) return reject('event', 'must not be missing');
  if (typeof name !== 'string') return reject('event', 'must be a string');
  if (name === '') return reject('event', 'must not be empty');

  if (properties === undefined || properties === null) return reject('properties', 'must not be missing');
  if (!isPlainObject(properties)) return reject('properties', 'must be a JSON object');

  const timeProblem = checkTime(properties.time, nowMs);
  if (timeProblem !== undefined) return reject('properties.time', timeProblem);

  const distinctIdProblem = checkDistinctId(properties.distinct_id);
  if (distinctIdProblem !== undefined) return reject('properties.distinct_id', distinctIdProblem);

  const insertIdProblem = checkInsertId(properties.$insert_id);
  if (insertIdProblem !== undefined) return reject('properties.$insert_id', insertIdProblem);

  if (Buffer.byteLength(JSON.stringify(event), 'utf8') >= MAX_EVENT_BYTES) {
    return reject('properties', 'event must be smaller than 1MB of uncompressed JSON');
  }
  if (Object.keys(properties).length >= MAX_COLLECTION_SIZE) {
    return reject('properties', `must have fewer than ${MAX_COLLECTION_SIZE} properties`);
  }

  if (LONE_SURROGATE.test(name)) return reject('event', 'string should be valid utf8');
  for (const [key, value] of Object.entries(properties)) {
    const field = `properties.${key}`;
    if (LONE_SURROGATE.test(key)) return reject(field, 'property name should be valid utf8');

    const valueProblem = checkPropertyValue(value, 0);
    if (valueProblem !== undefined) return reject(field, valueProblem);
  }
  return undefined;
}

/**
 * Converts a valid `properties.time` to epoch ms. Mixpanel takes seconds or milliseconds, and a
 * value that would fall before 1971 when read as milliseconds can only be seconds.
 */
export function eventTimeToMs(time: number): number {
  return time < MIN_EVENT_TIME_MS ? time * 1000 : time;
}

function checkTime(time: unknown, nowMs: number): string | undefined {
  if (time === undefined || time === null) return 'must not be missing';

  // The OpenAPI schema of /import types `time` as an integer. Mixpanel documents no message for a
  // time in the future, so that message is ours.
  if (typeof time !== 'number' || !Number.isSafeInteger(time)) return 'must be specified as seconds since epoch';
  const timeMs = eventTimeToMs(time);
  if (timeMs < MIN_EVENT_TIME_MS) return 'must be specified as seconds since epoch';
  if (timeMs > nowMs + MAX_FUTURE_MS) return 'must not be more than 1 hour in the future';
  return undefined;
}

function checkDistinctId(distinctId: unknown): string | undefined {
  if (distinctId === undefined || distinctId === null) return 'must not be missing';
  if (typeof distinctId !== 'string') return 'must be a string';

  // The empty string is allowed: it marks an event that belongs to no user.
  if (DISALLOWED_IDS.has(distinctId.toLowerCase())) return `'${distinctId}' is a disallowed placeholder value`;
  if (LONE_SURROGATE.test(distinctId)) return 'string should be valid utf8';
  return undefined;
}

function checkInsertId(insertId: unknown): string | undefined {
  if (insertId === undefined || insertId === null) return 'must not be missing';
  if (typeof insertId !== 'string') return 'must be a string';
  if (!INSERT_ID_PATTERN.test(insertId)) return 'must be 1 to 36 characters of A-Z, a-z, 0-9 or "-"';
  if (DISALLOWED_IDS.has(insertId.toLowerCase())) return `'${insertId}' is a disallowed placeholder value`;
  return undefined;
}

/** Checks list and object limits and UTF-8 validity. `depth` is the number of enclosing objects. */
function checkPropertyValue(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? 'string should be valid utf8' : undefined;

  if (Array.isArray(value)) {
    if (value.length >= MAX_COLLECTION_SIZE) return `list must have fewer than ${MAX_COLLECTION_SIZE} items`;
    for (const item of value) {
      const problem = checkPropertyValue(item, depth);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }

  if (isPlainObject(value)) {
    if (depth + 1 > MAX_OBJECT_DEPTH) return `object nesting depth must be at most ${MAX_OBJECT_DEPTH}`;
    const entries = Object.entries(value);
    if (entries.length >= MAX_COLLECTION_SIZE) return `object must have fewer than ${MAX_COLLECTION_SIZE} keys`;
    for (const [key, nested] of entries) {
      if (LONE_SURROGATE.test(key)) return 'object key should be valid utf8';
      const problem = checkPropertyValue(nested, depth + 1);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function fail(index: number, insertId: string | undefined, field: string, reason: string): FailedRecord {
  const record: FailedRecord = { index, field, message: `'${field}' is invalid: ${reason}` };
  if (insertId !== undefined) record.$insert_id = insertId;
  return record;
}

/** Narrows to a JSON object (not an array or `null`). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
