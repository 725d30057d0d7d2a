import type { BranchDevice, BranchEvent } from '../branch/event';
import type { JsonObject, JsonValue } from '../branch/json';
import { readText, setOwn } from '../branch/values';
import { normalizeOsName } from './device';
import type { MixpanelIdentity } from './identity';
import { COLLISION_PREFIX, type PropertyBuilder } from './property-builder';

/** Input of the property groups: the event and the values resolved before them. */
export interface PropertyInput {
  event: BranchEvent;
  time: number;
  insertId: string;
  identity: MixpanelIdentity;
}

/** A set of properties added together; groups are added, and so kept under the limits, in order. */
export interface PropertyGroup {
  /** Description of the group's properties, as `docs/mapping.md` lists it. */
  description: string;
  add(builder: PropertyBuilder, input: PropertyInput): void;
}

/** Device facts and the Mixpanel default property each becomes. */
export const DEVICE_PROPERTIES: ReadonlyArray<readonly [keyof BranchDevice, string]> = [
  ['ip', 'ip'],
  ['os', '$os'],
  ['osVersion', '$os_version'],
  ['model', '$model'],
  ['brand', '$brand'],
  ['appVersion', '$app_version_string'],
  ['browser', '$browser'],
  ['carrier', '$carrier'],
  ['referrer', '$referrer'],
];

/** Link data keys that become Mixpanel's UTM properties, first present wins. */
export const UTM_SOURCES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['utm_source', ['~channel']],
  ['utm_medium', ['~feature']],
  ['utm_campaign', ['~campaign']],
  ['utm_term', ['~keyword']],
  ['utm_content', ['~creative_name', '~ad_name']],
];

/**
 * The property groups in priority order: when an event has more properties than Mixpanel takes,
 * the last groups lose theirs first. Within a copied group, keys are taken in sorted order.
 */
export const PROPERTY_GROUPS: readonly PropertyGroup[] = [
  {
    description: '`time`, `distinct_id`, `$insert_id`, `$user_id`, `$device_id`',
    add(builder, { time, insertId, identity }) {
      builder.setMapped('time', time);
      builder.setMapped('distinct_id', identity.distinct_id);
      builder.setMapped('$insert_id', insertId);
      builder.setMapped('$user_id', identity.$user_id);
      builder.setMapped('$device_id', identity.$device_id);
    },
  },
  {
    description: 'device properties: `ip`, `$os`, `$os_version`, `$model`, `$brand`, `$app_version_string`, `$browser`, `$carrier`, `$referrer`',
    add(builder, { event }) {
      for (const [fact, property] of DEVICE_PROPERTIES) {
        const value = event.device[fact];
        builder.setMapped(property, fact === 'os' && value !== undefined ? normalizeOsName(value) : value);
      }
    },
  },
  {
    description: 'attribution: `utm_source`, `utm_medium`, `utm_campaign`, `utm_term`, `utm_content`, `referred`, `revenue_usd`',
    add(builder, { event }) {
      for (const [property, keys] of UTM_SOURCES) builder.setMapped(property, firstText(event.linkData, keys));
      builder.setMapped('referred', event.attributed);
      builder.setMapped('revenue_usd', readRevenueUsd(event.eventData));
    },
  },
  {
    description: '`branch_event_id`, `branch_event_name`, `branch_time_source`',
    add(builder, { event }) {
      builder.setMapped('branch_event_id', event.id);
      builder.setMapped('branch_event_name', event.rawName);
      builder.setMapped('branch_time_source', event.timestamp === undefined ? 'received' : 'event');
    },
  },
  { description: 'other event fields, as `branch_<field>`', add: (builder, { event }) => builder.addSourceFields(event.eventFields, COLLISION_PREFIX) },
  { description: 'link data, verbatim', add: (builder, { event }) => builder.addSourceFields(event.linkData) },
  { description: 'event data, verbatim', add: (builder, { event }) => builder.addSourceFields(event.eventData) },
  { description: 'custom data, verbatim', add: (builder, { event }) => builder.addSourceFields(event.customData) },
  { description: 'other user data, as `branch_<field>`', add: (builder, { event }) => builder.addSourceFields(event.userFields, COLLISION_PREFIX) },
  {
    description: '`content_items`',
    add(builder, { event }) {
      if (event.contentItems.length > 0) builder.setMapped('content_items', event.contentItems.map(flattenContentItem));
    },
  },
];

function firstText(source: JsonObject, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = readText(Object.hasOwn(source, key) ? source[key] : undefined);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Reads revenue in US dollars: Branch's `revenue_in_usd` when it converted the revenue, else
 * `revenue` when the currency is USD or not given. Numeric strings count, as templates send them.
 */
export function readRevenueUsd(eventData: JsonObject): number | undefined {
  const converted = readNumber(eventData.revenue_in_usd);
  if (converted !== undefined) return converted;

  const currency = readText(eventData.currency);
  const revenue = readNumber(eventData.revenue);
  if (revenue !== undefined && (currency === undefined || currency.trim().toUpperCase() === 'USD')) return revenue;
  return undefined;
}

function readNumber(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

// Mixpanel's "list of objects" properties take flat objects only ("no nesting", Supported
// Properties Data Type), so a nested value inside a content item goes out as its JSON text.
function flattenContentItem(item: JsonObject): JsonObject {
  const flat: JsonObject = {};
  for (const [key, value] of Object.entries(item)) {
    const nested = typeof value === 'object' && value !== null;
    setOwn(flat, key, nested ? JSON.stringify(value) : value);
  }
  return flat;
}
