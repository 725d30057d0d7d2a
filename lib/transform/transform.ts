import type { BranchEvent } from '../branch/event';
import type { JsonObject, JsonValue } from '../branch/json';
import { readText } from '../branch/values';
import type { MappingConfig } from '../config';
import { InvalidEventError } from '../errors';
import { mapDeviceProperties } from './device';
import { resolveIdentity } from './identity';
import { deriveInsertId } from './insert-id';
import { applyMixpanelLimits } from './limits';
import type { MixpanelEvent } from './mixpanel-event';
import { PropertyBuilder } from './property-builder';

/** What the transform needs besides the event: the mapping settings and the request's receipt. */
export interface TransformContext {
  mapping: MappingConfig;
  /** Project token, to catch a `$mixpanel_distinct_id` set to it by mistake. */
  projectToken?: string;
  /** When the webhook was received, in epoch milliseconds; the time of events that carry none. */
  receivedAt: number;
  /** Id of the webhook request, stable across replays. */
  requestId: string;
}

/** A Mixpanel event and what the transform noticed on the way. */
export interface TransformResult {
  event: MixpanelEvent;
  warnings: string[];
  /** Properties dropped to fit Mixpanel's limits. */
  droppedProperties: number;
}

// Mixpanel rejects event times more than one hour ahead of its clock; anything before 1971 is a
// seconds value read as milliseconds or a zero, never a real Branch event.
const MAX_FUTURE_MS = 60 * 60 * 1000;
const EARLIEST_TIME_MS = Date.UTC(1971, 0, 1);

// Link data keys that become Mixpanel's UTM properties, in order of preference.
const UTM_SOURCES: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['utm_source', ['~channel']],
  ['utm_medium', ['~feature']],
  ['utm_campaign', ['~campaign']],
  ['utm_term', ['~keyword']],
  ['utm_content', ['~creative_name', '~ad_name']],
];

/**
 * Turns a canonical Branch event into one Mixpanel event. Pure: the result depends only on the
 * arguments, so a replay of a stored request yields the same event.
 *
 * @throws InvalidEventError with reason `invalid_time` when the event time is before 1971 or more than
 *   an hour after the request was received.
 */
export function transformBranchEvent(event: BranchEvent, context: TransformContext): TransformResult {
  const time = resolveTime(event, context.receivedAt);
  const { identity, warnings } = resolveIdentity(event, context.mapping, context.projectToken);
  const builder = new PropertyBuilder();

  builder.setMapped('time', time);
  builder.setMapped('distinct_id', identity.distinct_id);
  builder.setMapped('$insert_id', deriveInsertId(event, time, context.requestId));
  builder.setMapped('$user_id', identity.$user_id);
  builder.setMapped('$device_id', identity.$device_id);
  builder.setMapped('ip', event.device.ip);
  for (const [key, value] of Object.entries(mapDeviceProperties(event.device))) builder.setMapped(key, value);
  for (const [key, sources] of UTM_SOURCES) builder.setMapped(key, firstText(event.linkData, sources));
  builder.setMapped('referred', event.attributed);
  builder.setMapped('revenue_usd', readRevenueUsd(event.eventData));

  builder.setMapped('branch_event_id', event.id);
  builder.setMapped('branch_event_name', event.rawName);
  builder.setMapped('branch_time_source', event.timestamp === undefined ? 'received' : 'event');
  builder.addSourceFields(event.eventFields, 'branch_');
  builder.addSourceFields(event.linkData);
  builder.addSourceFields(event.eventData);
  builder.addSourceFields(event.customData);
  builder.addSourceFields(event.userFields, 'branch_');
  if (event.contentItems.length > 0) builder.setMapped('content_items', event.contentItems);

  const limited = applyMixpanelLimits(builder.build());
  return {
    event: {
      event: `${context.mapping.eventNamePrefix}${event.name}`,
      properties: limited.properties as MixpanelEvent['properties'],
    },
    warnings,
    droppedProperties: limited.dropped,
  };
}

function resolveTime(event: BranchEvent, receivedAt: number): number {
  if (event.timestamp === undefined) return receivedAt;
  if (event.timestamp < EARLIEST_TIME_MS || event.timestamp > receivedAt + MAX_FUTURE_MS) {
    throw new InvalidEventError(
      'invalid_time',
      `Event time ${describeTime(event.timestamp)} is before 1971 or more than one hour after the request was received (${describeTime(receivedAt)})`,
    );
  }
  return event.timestamp;
}

function describeTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}

function firstText(source: JsonObject, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = readText(source[key]);
    if (value !== undefined) return value;
  }
  return undefined;
}

// Branch reports revenue in the event currency and, when it converted it, `revenue_in_usd`.
function readRevenueUsd(eventData: JsonObject): JsonValue | undefined {
  const converted = Number(eventData.revenue_in_usd);
  if (eventData.revenue_in_usd !== undefined && Number.isFinite(converted)) return converted;

  const currency = readText(eventData.currency);
  const revenue = Number(eventData.revenue);
  if (eventData.revenue !== undefined && Number.isFinite(revenue) && (currency === undefined || currency.toUpperCase() === 'USD')) {
    return revenue;
  }
  return undefined;
}
