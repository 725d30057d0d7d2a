import { isJsonObject, type JsonObject, type JsonValue } from './json';

/**
 * Tells whether Branch meant "no value": JSON null, a missing key or the literal string "null",
 * all of which appear in real webhook bodies.
 */
export function isAbsent(value: JsonValue | undefined): value is null | undefined {
  return value === undefined || value === null || value === 'null';
}

/** Reads a text value; numbers (such as big ids parsed to strings or ints) become their decimal text. */
export function readText(value: JsonValue | undefined): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Reads a boolean sent as a JSON boolean, `"true"`/`"false"`, `"1"`/`"0"` or 1/0. */
export function readBoolean(value: JsonValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1') return true;
  if (value === 0 || value === '0') return false;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/** Reads a sub-object, treating null, "null" and non-objects as empty. */
export function readObject(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}

/** Copies an object without the given keys and without absent values. */
export function omitKeys(source: JsonObject, keys: ReadonlySet<string>): JsonObject {
  const result: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    if (keys.has(key) || isAbsent(value)) continue;
    result[key] = value;
  }
  return result;
}
