import { isJsonObject, type JsonObject, type JsonValue } from '../branch/json';
import type { MixpanelProperties } from './mixpanel-event';

// Mixpanel's documented limits for event properties (docs.mixpanel.com, "Limits").
export const MAX_PROPERTIES = 254;
export const MAX_STRING_LENGTH = 255;
export const MAX_NESTING_DEPTH = 3;
export const MAX_COLLECTION_ENTRIES = 254;
export const MAX_COLLECTION_BYTES = 8 * 1024;
export const MAX_EVENT_BYTES = 1024 * 1024 - 1024;

/** Name of the property that records how many properties were dropped to fit the limits. */
export const DROPPED_COUNT_PROPERTY = 'branch_dropped_properties';

/** Properties cut to Mixpanel's limits, and the number of properties dropped entirely. */
export interface LimitedProperties {
  properties: MixpanelProperties;
  dropped: number;
}

/**
 * Fits properties into Mixpanel's limits. Insertion order is the priority: when there are too many
 * properties or the event is too large, the last ones are dropped and counted in
 * `branch_dropped_properties`. Strings are cut to 255 characters, lists and objects to 254 entries
 * and 8 KB, and nesting below 3 levels is replaced by its JSON text.
 */
export function applyMixpanelLimits(properties: MixpanelProperties): LimitedProperties {
  const entries = Object.entries(properties).map(([key, value]) => [truncateText(key), limitValue(value, 1)] as const);
  let dropped = 0;

  let kept = entries;
  if (kept.length > MAX_PROPERTIES) {
    kept = entries.slice(0, MAX_PROPERTIES - 1);
    dropped = entries.length - kept.length;
  }

  let size = JSON.stringify(Object.fromEntries(kept)).length;
  while (size > MAX_EVENT_BYTES && kept.length > 0) {
    const [key, value] = kept[kept.length - 1]!;
    size -= JSON.stringify(key).length + JSON.stringify(value).length + 2;
    kept = kept.slice(0, -1);
    dropped += 1;
  }

  const limited: MixpanelProperties = Object.fromEntries(kept);
  if (dropped > 0) limited[DROPPED_COUNT_PROPERTY] = dropped;
  return { properties: limited, dropped };
}

function limitValue(value: JsonValue, depth: number): JsonValue {
  if (typeof value === 'string') return truncateText(value);
  if (Array.isArray(value)) {
    if (depth > MAX_NESTING_DEPTH) return truncateText(JSON.stringify(value));
    const items = value.slice(0, MAX_COLLECTION_ENTRIES).map((item) => limitValue(item, depth + 1));
    return fitCollection(items, (kept) => kept);
  }
  if (isJsonObject(value)) {
    if (depth > MAX_NESTING_DEPTH) return truncateText(JSON.stringify(value));
    const entries = Object.entries(value)
      .slice(0, MAX_COLLECTION_ENTRIES)
      .map(([key, member]) => [truncateText(key), limitValue(member, depth + 1)] as [string, JsonValue]);
    return fitCollection(entries, (kept) => Object.fromEntries(kept) as JsonObject);
  }
  return value;
}

// Drops entries from the end until the serialised collection fits in 8 KB.
function fitCollection<T, R extends JsonValue>(entries: T[], build: (kept: T[]) => R): R {
  let kept = entries;
  let result = build(kept);
  while (byteLength(result) > MAX_COLLECTION_BYTES && kept.length > 0) {
    kept = kept.slice(0, Math.max(0, Math.floor(kept.length * 0.9)));
    result = build(kept);
  }
  return result;
}

function byteLength(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value));
}

/** Cuts text to 255 UTF-16 code units without splitting a surrogate pair. */
export function truncateText(text: string): string {
  if (text.length <= MAX_STRING_LENGTH) return text;
  let end = MAX_STRING_LENGTH;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}
