import type { JsonObject, JsonValue } from '../branch/json';
import { isAbsent, setOwn } from '../branch/values';
import type { MixpanelProperties } from './mixpanel-event';
import { cleanText } from './text';

// Mixpanel's limits for one event (docs.mixpanel.com: "Import Events" for the per-event limits,
// "Supported Properties Data Type" for the 8 KB and nesting limits of list and object properties).
/** An event has fewer than 255 properties. */
export const MAX_PROPERTIES = 254;
/** Objects nest at most 3 levels deep; lists count as a level here too, which is stricter than Mixpanel. */
export const MAX_NESTING_DEPTH = 3;
/** Lists have fewer than 255 items and objects fewer than 255 keys. */
export const MAX_COLLECTION_ENTRIES = 254;
/** A list or object property is at most 8 KB of JSON. */
export const MAX_COLLECTION_BYTES = 8 * 1024;
/** An event is smaller than 1 MB of uncompressed JSON. */
export const MAX_EVENT_BYTES = 1024 * 1024;

/** Name of the property that records how many properties were dropped to fit the limits. */
export const DROPPED_COUNT_PROPERTY = 'branch_dropped_properties';

// Room kept for `,"branch_dropped_properties":<count>` when measuring the event.
const DROPPED_COUNT_BYTES = Buffer.byteLength(`,"${DROPPED_COUNT_PROPERTY}":999999`);

/** Properties cut to Mixpanel's limits, and the number of properties dropped entirely. */
export interface LimitedProperties {
  properties: MixpanelProperties;
  dropped: number;
}

/**
 * Fits an event's properties, given as entries in priority order, into Mixpanel's limits. When there
 * are more than 254 properties, or the event named `eventName` would reach 1 MB, the last ones are
 * dropped and their number recorded in `branch_dropped_properties`. Property names that become
 * equal once cut keep the first value and count the rest as dropped. Each value goes through
 * `limitValue`.
 */
export function applyMixpanelLimits(eventName: string, properties: ReadonlyArray<readonly [string, JsonValue]>): LimitedProperties {
  let limited: MixpanelProperties = {};
  const names: string[] = [];
  const values: JsonValue[] = [];
  let dropped = 0;
  let sizeBound = EVENT_ENVELOPE_BYTES + stringJsonBytesBound(eventName) + DROPPED_COUNT_BYTES;
  for (const [key, value] of properties) {
    const limitedValue = limitBounded(value, 1);
    if (limitedValue === undefined) continue;
    const valueBound = lastSizeBound;
    const name = cleanText(key);
    if (Object.hasOwn(limited, name)) {
      dropped += 1;
      continue;
    }
    setOwn(limited, name, limitedValue);
    names.push(name);
    values.push(limitedValue);
    // `"name":value,`
    sizeBound += stringJsonBytesBound(name) + valueBound + 2;
  }

  let keptCount = names.length;
  if (keptCount > MAX_PROPERTIES) {
    keptCount = MAX_PROPERTIES - 1;
    dropped += names.length - keptCount;
  }

  // Below the event limit even at the upper bound of every size, no property is dropped for size.
  if (sizeBound >= MAX_EVENT_BYTES) {
    let size = EVENT_ENVELOPE_BYTES + stringJsonBytes(eventName) + DROPPED_COUNT_BYTES;
    const sizes = names.map((name, index) => stringJsonBytes(name) + jsonBytes(values[index]!) + 2);
    for (let index = 0; index < keptCount; index += 1) size += sizes[index]!;
    while (size >= MAX_EVENT_BYTES && keptCount > 0) {
      keptCount -= 1;
      size -= sizes[keptCount]!;
      dropped += 1;
    }
  }
  // The count itself takes a property slot.
  if (dropped > 0 && keptCount > MAX_PROPERTIES - 1) {
    dropped += keptCount - (MAX_PROPERTIES - 1);
    keptCount = MAX_PROPERTIES - 1;
  }

  // Deleting the dropped properties would leave the object in slow dictionary mode, so it is rebuilt.
  if (keptCount < names.length) {
    limited = {};
    for (let index = 0; index < keptCount; index += 1) setOwn(limited, names[index]!, values[index]!);
  }
  if (dropped > 0) limited[DROPPED_COUNT_PROPERTY] = dropped;
  return { properties: limited, dropped };
}

/**
 * Fits one value into Mixpanel's limits, where `depth` is 1 for a property's own value. Absent values
 * (null, "null") are removed at every level, and an absent value returns undefined. Strings are made
 * valid UTF-8 and cut to 255 characters. Lists and objects keep their first 254 entries that fit in
 * 8 KB. A list or object nested deeper than 3 levels is replaced by its JSON text, cut to 255 characters.
 */
export function limitValue(value: JsonValue, depth: number): JsonValue | undefined {
  return limitBounded(value, depth);
}

// The sizes below are of a value's JSON in UTF-8 bytes. An exact size costs a regex test or a
// serialisation per string, and almost every value is far below the 8 KB and 1 MB limits. So values
// are measured by a cheap upper bound first, and exactly only where the bound reaches a limit.
// Cuts are made at exact sizes only.

// Upper bound of the size of the value that limitBounded returned last. It is a module variable
// rather than part of a returned pair, so measuring allocates nothing per value. Callers read it
// right after each call, before the next call overwrites it.
let lastSizeBound = 0;

// Longest JSON of a finite double: sign, 17 significant digits and either `0.00000` or an
// exponent such as `e-308`, as in -0.0000012345678901234567.
const MAX_NUMBER_JSON_LENGTH = 25;

// Limits a value and bounds its size in the same walk.
function limitBounded(value: JsonValue, depth: number): JsonValue | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'string') {
    const text = cleanText(value);
    lastSizeBound = stringJsonBytesBound(text);
    return text;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    lastSizeBound = MAX_NUMBER_JSON_LENGTH;
    return value;
  }
  if (typeof value !== 'object') {
    lastSizeBound = jsonBytes(value);
    return value;
  }
  if (depth > MAX_NESTING_DEPTH) {
    const text = cleanText(JSON.stringify(value));
    lastSizeBound = stringJsonBytesBound(text);
    return text;
  }
  return Array.isArray(value) ? limitList(value, depth) : limitObject(value, depth);
}

// Keeps the first items that fit: `[` + items joined by `,` + `]`.
function limitList(list: JsonValue[], depth: number): JsonValue[] {
  const items: JsonValue[] = [];
  // An upper bound of the size until it passes the limit, and the exact size from then on.
  let bytes = 2;
  let exact = false;
  for (const item of list) {
    const limited = limitBounded(item, depth + 1);
    if (limited === undefined) continue;
    const separator = items.length === 0 ? 0 : 1;
    if (!exact && bytes + lastSizeBound + separator > MAX_COLLECTION_BYTES) {
      exact = true;
      bytes = jsonBytes(items);
    }
    const added = (exact ? jsonBytes(limited) : lastSizeBound) + separator;
    if (bytes + added > MAX_COLLECTION_BYTES) break;
    items.push(limited);
    bytes += added;
    if (items.length === MAX_COLLECTION_ENTRIES) break;
  }
  lastSizeBound = bytes;
  return items;
}

// Keeps the first members that fit: `{` + `"key":value` joined by `,` + `}`.
function limitObject(object: JsonObject, depth: number): JsonObject {
  const members: JsonObject = {};
  let count = 0;
  // An upper bound of the size until it passes the limit, and the exact size from then on.
  let bytes = 2;
  let exact = false;
  const keys = Object.keys(object);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const limited = limitBounded(object[key]!, depth + 1);
    if (limited === undefined) continue;
    const valueBound = lastSizeBound;
    const name = cleanText(key);
    if (Object.hasOwn(members, name)) continue;
    const separator = count === 0 ? 0 : 1;
    if (!exact && bytes + stringJsonBytesBound(name) + 1 + valueBound + separator > MAX_COLLECTION_BYTES) {
      exact = true;
      bytes = jsonBytes(members);
    }
    const added = exact ? stringJsonBytes(name) + 1 + jsonBytes(limited) + separator : stringJsonBytesBound(name) + 1 + valueBound + separator;
    if (bytes + added > MAX_COLLECTION_BYTES) break;
    setOwn(members, name, limited);
    count += 1;
    bytes += added;
    if (count === MAX_COLLECTION_ENTRIES) break;
  }
  lastSizeBound = bytes;
  return members;
}

// `{"event":` + the name + `,"properties":{}}`, without the name.
const EVENT_ENVELOPE_BYTES = Buffer.byteLength('{"event":,"properties":{}}');

function jsonBytes(value: JsonValue): number {
  if (typeof value === 'string') return stringJsonBytes(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  return Buffer.byteLength(JSON.stringify(value));
}

// Each UTF-16 code unit takes at most 6 bytes of JSON, as a `\uXXXX` escape.
function stringJsonBytesBound(text: string): number {
  return 6 * text.length + 2;
}

// Printable ASCII other than `"` and `\`, which JSON writes as is, one byte per character.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function stringJsonBytes(text: string): number {
  if (PLAIN_ASCII.test(text)) return text.length + 2;
  return Buffer.byteLength(JSON.stringify(text));
}
