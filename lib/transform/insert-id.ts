import { createHash } from 'node:crypto';
import type { BranchEvent } from '../branch/event';
import { isUsableId } from './identity';

/**
 * Derives `$insert_id`: 32 hex characters, within Mixpanel's limit of 36 characters of
 * `[A-Za-z0-9-]`, and never a user id. Events with Branch's unique event id (current and flat
 * formats) hash that id, so the same event sent as JSON or through the template gets the same
 * value. Events without one (legacy bodies) hash the whole canonical event and its time, with keys
 * sorted so key order does not matter. Bodies without an event time also hash the request id,
 * because their time is the receive time and two distinct requests must not collide. Replays use
 * the stored request id and receive time, so they reproduce the same value.
 *
 * NOTE: two legacy events with the same name, identity, link, data and event time are one event
 * here, because nothing in the body tells them apart.
 */
export function deriveInsertId(event: BranchEvent, time: number, requestId: string): string {
  if (isUsableId(event.id)) return sha256Hex(`branch-event-id:${event.id}`).slice(0, 32);

  const parts = [stableStringify({ ...event, id: undefined }), String(time)];
  if (event.timestamp === undefined) parts.push(requestId);
  return sha256Hex(parts.join('\n')).slice(0, 32);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Serialises a value as JSON with object keys sorted, so key order in the webhook body does not matter. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
