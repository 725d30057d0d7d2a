import { hash } from 'node:crypto';
import type { BranchEvent } from '../branch/event';
import { isUsableId } from './identity';
import { sortedKeys } from './sorted-keys';

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

  let text = `${stringifySorted(event as unknown as Record<string, unknown>, 'id')}\n${time}`;
  if (event.timestamp === undefined) text += `\n${requestId}`;
  return sha256Hex(text).slice(0, 32);
}

// One-shot `hash` (Node.js 20.12 and later) returns what `createHash('sha256').update(text).digest('hex')`
// returns, without building a Hash object per event.
function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Serialises a value as JSON with object keys sorted, so key order in the webhook body does not matter. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return stringifyList(value);
  if (typeof value === 'object' && value !== null) return stringifySorted(value as Record<string, unknown>, undefined);
  return JSON.stringify(value) ?? 'null';
}

// Lists keep their order. A hole is written as nothing, as `Array.prototype.join` writes it.
function stringifyList(list: readonly unknown[]): string {
  let text = '[';
  for (let index = 0; index < list.length; index += 1) {
    if (index > 0) text += ',';
    if (index in list) text += stableStringify(list[index]);
  }
  return `${text}]`;
}

// Writes an object's members in sorted key order, leaving out undefined members and the key `skippedKey`.
function stringifySorted(object: Record<string, unknown>, skippedKey: string | undefined): string {
  const keys = sortedKeys(object);
  let text = '{';
  let separator = '';
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    const member = object[key];
    if (member === undefined || key === skippedKey) continue;
    text += `${separator}${JSON.stringify(key)}:${stableStringify(member)}`;
    separator = ',';
  }
  return `${text}}`;
}
