import type { JsonObject, JsonValue } from '../branch/json';
import { isAbsent } from '../branch/values';
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
  const entries: Array<[string, JsonValue]> = [];
  const sizes: number[] = [];
  const names = new Set<string>();
  let dropped = 0;
  for (const [key, value] of properties) {
    const limited = limitSized(value, 1);
    if (limited === undefined) continue;
    const name = cleanText(key);
    if (names.has(name)) {
      dropped += 1;
      continue;
    }
    names.add(name);
    entries.push([name, limited.value]);
    // `"name":value,`
    sizes.push(jsonByteLength(name) + limited.bytes + 2);
  }

  let keptCount = entries.length;
  if (keptCount > MAX_PROPERTIES) {
    keptCount = MAX_PROPERTIES - 1;
    dropped += entries.length - keptCount;
  }

  let size = jsonByteLength({ event: eventName, properties: {} }) + DROPPED_COUNT_BYTES;
  for (let index = 0; index < keptCount; index += 1) size += sizes[index]!;
  while (size >= MAX_EVENT_BYTES && keptCount > 0) {
    keptCount -= 1;
    size -= sizes[keptCount]!;
    dropped += 1;
  }
  // The count itself takes a property slot.
  if (dropped > 0 && keptCount > MAX_PROPERTIES - 1) {
    dropped += keptCount - (MAX_PROPERTIES - 1);
    keptCount = MAX_PROPERTIES - 1;
  }

  const limited: MixpanelProperties = Object.fromEntries(entries.slice(0, keptCount));
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
  return limitSized(value, depth)?.value;
}

/** A limited value and the size of its JSON in bytes. */
interface SizedValue {
  value: JsonValue;
  bytes: number;
}

// Limits a value and measures it in the same walk, so no value is serialised more than once.
function limitSized(value: JsonValue, depth: number): SizedValue | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  if (typeof value !== 'object') {
    const scalar = typeof value === 'string' ? cleanText(value) : value;
    return { value: scalar, bytes: jsonByteLength(scalar) };
  }
  if (depth > MAX_NESTING_DEPTH) {
    const text = cleanText(JSON.stringify(value));
    return { value: text, bytes: jsonByteLength(text) };
  }
  return Array.isArray(value) ? limitList(value, depth) : limitObject(value, depth);
}

// Keeps the first items that fit: `[` + items joined by `,` + `]`.
function limitList(list: JsonValue[], depth: number): SizedValue {
  const items: JsonValue[] = [];
  let bytes = 2;
  for (const item of list) {
    const limited = limitSized(item, depth + 1);
    if (limited === undefined) continue;
    const added = limited.bytes + (items.length === 0 ? 0 : 1);
    if (bytes + added > MAX_COLLECTION_BYTES) break;
    items.push(limited.value);
    bytes += added;
    if (items.length === MAX_COLLECTION_ENTRIES) break;
  }
  return { value: items, bytes };
}

// Keeps the first members that fit: `{` + `"key":value` joined by `,` + `}`.
function limitObject(object: JsonObject, depth: number): SizedValue {
  const members: Array<[string, JsonValue]> = [];
  const seen = new Set<string>();
  let bytes = 2;
  for (const [key, member] of Object.entries(object)) {
    const limited = limitSized(member, depth + 1);
    const name = cleanText(key);
    if (limited === undefined || seen.has(name)) continue;
    const added = jsonByteLength(name) + 1 + limited.bytes + (members.length === 0 ? 0 : 1);
    if (bytes + added > MAX_COLLECTION_BYTES) break;
    seen.add(name);
    members.push([name, limited.value]);
    bytes += added;
    if (members.length === MAX_COLLECTION_ENTRIES) break;
  }
  return { value: Object.fromEntries(members) as JsonObject, bytes };
}

// Printable ASCII other than `"` and `\`, which JSON writes as is, one byte per character.
const PLAIN_ASCII = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

function jsonByteLength(value: JsonValue): number {
  if (typeof value === 'string' && PLAIN_ASCII.test(value)) return value.length + 2;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).length;
  return Buffer.byteLength(JSON.stringify(value));
}
