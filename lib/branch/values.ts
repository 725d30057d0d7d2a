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

/** Reads a boolean sent as a JSON boolean, `"true"`/`"false"`, `"1"`/`"0"` or 1/0, in any case. */
export function readBoolean(value: JsonValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1) return true;
  if (value === 0) return false;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
  }
  return undefined;
}

/** Reads a sub-object, treating null, "null" and non-objects as empty. */
export function readObject(value: JsonValue | undefined): JsonObject {
  return isJsonObject(value) ? value : {};
}

/**
 * Sets an own property even when the key is `__proto__`, which plain assignment would turn into a
 * prototype change. Webhook bodies are untrusted, so every key copied from one goes through here.
 */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  // `__proto__` is the only key with an inherited setter; plain assignment is faster for the rest.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** Looks a key up in a lookup table without finding inherited members such as `constructor`. */
export function readOwn<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Copies an object without the given keys and without absent values. */
export function omitKeys(source: JsonObject, keys: ReadonlySet<string>): JsonObject {
  const result: JsonObject = {};
  const sourceKeys = Object.keys(source);
  for (let index = 0; index < sourceKeys.length; index += 1) {
    const key = sourceKeys[index]!;
    const value = source[key]!;
    if (keys.has(key) || isAbsent(value)) continue;
    setOwn(result, key, value);
  }
  return result;
}

/** An empty key set, for `omitKeys` calls that only drop absent values. */
export const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * Replaces boolean-looking strings (`"true"`, `"0"`, ...) of the named fields with booleans, so a
 * flag reads the same whichever way Branch encoded it. Other values stay as they are.
 */
export function normalizeBooleans(source: JsonObject, fields: ReadonlySet<string>): JsonObject {
  const result: JsonObject = { ...source };
  for (const field of fields) {
    const flag = readBoolean(source[field]);
    if (flag !== undefined) result[field] = flag;
  }
  return result;
}

// FreeMarker formats numbers without `?c` by locale, so an English-locale template renders
// 1717243265123 as "1,717,243,265,123".
const DIGIT_GROUPS = /^\s*-?\d{1,3}(?:,\d{3})+(?:\.\d+)?\s*$/;

/** Removes the thousands separators of a comma-grouped number ("1,234.5" becomes "1234.5"); other text is unchanged. */
export function removeDigitGrouping(text: string): string {
  return DIGIT_GROUPS.test(text) ? text.replace(/,/g, '').trim() : text;
}
