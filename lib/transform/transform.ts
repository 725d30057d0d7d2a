import type { BranchEvent } from '../branch/event';
import type { MappingConfig } from '../config';
import { InvalidEventError } from '../errors';
import { resolveEventName } from './event-name';
import { resolveIdentity } from './identity';
import { deriveInsertId } from './insert-id';
import { applyMixpanelLimits } from './limits';
import type { MixpanelEvent } from './mixpanel-event';
import { PropertyBuilder } from './property-builder';
import { PROPERTY_GROUPS } from './property-groups';

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

/** Mixpanel rejects event times more than one hour ahead of its clock ("Import Events"). */
export const MAX_FUTURE_MS = 60 * 60 * 1000;

/**
 * Mixpanel rejects events before 1971-01-01 ("Import Events"); such a time is a seconds value read
 * as milliseconds, or a zero, never a real Branch event.
 */
export const EARLIEST_TIME_MS = Date.UTC(1971, 0, 1);

/**
 * Turns a canonical Branch event into one Mixpanel event. Pure: the result depends only on the
 * arguments, so a replay of a stored request yields the same event.
 *
 * @throws InvalidEventError with reason `invalid_time` when the event time is before 1971 or more than
 *   an hour after the request was received. The time is never replaced by the receive time.
 */
export function transformBranchEvent(event: BranchEvent, context: TransformContext): TransformResult {
  const time = resolveTime(event, context.receivedAt);
  const { identity, warnings } = resolveIdentity(event, context.mapping, context.projectToken);
  const insertId = deriveInsertId(event, time, context.requestId);

  const builder = new PropertyBuilder();
  for (const group of PROPERTY_GROUPS) group.add(builder, { event, time, insertId, identity });

  const name = resolveEventName(event, context.mapping);
  const limited = applyMixpanelLimits(name, builder.readEntries());
  return {
    event: { event: name, properties: limited.properties as MixpanelEvent['properties'] },
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
