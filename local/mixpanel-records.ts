import type { IncomingHttpHeaders } from 'node:http';
import { eventTimeToMs, isPlainObject } from './mixpanel-validation';

/** One event as the local Mixpanel server stored it. */
export interface ImportedEvent {
  event: string;
  properties: Record<string, unknown>;
}

/** One `/import` request and the response that the local Mixpanel server sent to it. */
export interface ImportRequestRecord {
  /** HTTP status sent, or 0 when no response was sent (`hang` or `destroySocket` fault). */
  status: number;
  eventCount: number;
  query: Record<string, string>;
  /** Request headers, with `authorization` replaced by `[redacted]`. */
  headers: Record<string, string>;
  gzip: boolean;
  /** ISO 8601 time at which the request arrived. */
  receivedAt: string;
  /** Fault applied to the request, as `describeFault` writes it. */
  fault?: string;
}

/**
 * Deduplicates events as Mixpanel's queries do: events with the same name, `distinct_id`, `time`
 * and `$insert_id` count once, and the latest one wins (Mixpanel's "Duplicate events"
 * troubleshooting page). A `time` in seconds matches the same time in ms. The result keeps the
 * position of each key's first occurrence.
 */
export function deduplicateEvents(events: readonly ImportedEvent[]): ImportedEvent[] {
  const unique = new Map<string, ImportedEvent>();
  for (const [position, event] of events.entries()) {
    unique.set(deduplicationKey(event) ?? `no-insert-id:${position}`, event);
  }
  return [...unique.values()];
}

function deduplicationKey(event: ImportedEvent): string | undefined {
  const { distinct_id: distinctId, time, $insert_id: insertId } = event.properties;
  // Mixpanel never deduplicates an event that arrived without $insert_id.
  if (typeof insertId !== 'string') return undefined;
  const timeMs = typeof time === 'number' ? eventTimeToMs(time) : time;
  return JSON.stringify([event.event, distinctId, timeMs, insertId]);
}

/** Narrows a decoded record to the event shape the server stores. */
export function isImportedEvent(event: unknown): event is ImportedEvent {
  return isPlainObject(event) && typeof event.event === 'string' && isPlainObject(event.properties);
}

/** Formats the log line of an imported event, with its time as ISO 8601. */
export function describeEvent(event: ImportedEvent): string {
  const { distinct_id: distinctId, time, $insert_id: insertId } = event.properties;
  const timeMs = typeof time === 'number' ? eventTimeToMs(time) : Number.NaN;
  // Without strict=1 the time is not validated, so it may be outside the ±8.64e15 ms that Date supports.
  const timeText = Math.abs(timeMs) <= 8.64e15 ? new Date(timeMs).toISOString() : String(time);
  return `mixpanel <- ${event.event} distinct_id=${String(distinctId)} time=${timeText} insert_id=${String(insertId)}`;
}

/** Copies request headers into a plain record, with `authorization` replaced by `[redacted]`. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name] = name === 'authorization' ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
