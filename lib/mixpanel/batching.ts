import type { MixpanelEvent } from '../transform/mixpanel-event';

/** Events sent together in one `/import` request, kept as their JSON text so splits need no re-serialising. */
export interface ImportBatch {
  /** Index of each event in the `importEvents` input. */
  positions: number[];
  /** JSON text of each event. */
  json: string[];
  /** `$insert_id` of each event, used to match `failed_records` rows that carry no index. */
  insertIds: (string | undefined)[];
  /** Size of the uncompressed request body in bytes. */
  bytes: number;
}

/** One input event as JSON text, or the reason it cannot be sent. */
export type SerializedEvent =
  | { position: number; json: string; bytes: number; insertId: string | undefined }
  | { position: number; error: string };

/** Limits of one request. */
export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
}

/** Serialises each event once, so batching can count bytes and bodies can be joined from the parts. */
export function serializeEvents(events: readonly MixpanelEvent[]): SerializedEvent[] {
  return events.map((event, position) => {
    try {
      const json = JSON.stringify(event);
      const insertId = event.properties.$insert_id;
      return { position, json, bytes: Buffer.byteLength(json, 'utf8'), insertId: typeof insertId === 'string' ? insertId : undefined };
    } catch (error) {
      return { position, error: error instanceof Error ? error.message : String(error) };
    }
  });
}

/**
 * Groups events, in input order, into batches under both limits. Mixpanel applies the 2000-event
 * and the 10MB limits independently ("413 Payload Too Large" troubleshooting page), so a batch
 * closes at whichever comes first. The caller must keep out events larger than `maxBytes` on
 * their own (see {@link fitsInRequest}).
 */
export function planBatches(events: readonly Extract<SerializedEvent, { json: string }>[], limits: BatchLimits): ImportBatch[] {
  const batches: ImportBatch[] = [];
  let current = emptyBatch();

  for (const event of events) {
    const added = current.json.length === 0 ? event.bytes : event.bytes + 1;
    if (current.json.length > 0 && (current.json.length >= limits.maxEvents || current.bytes + added > limits.maxBytes)) {
      batches.push(current);
      current = emptyBatch();
    }
    current.positions.push(event.position);
    current.json.push(event.json);
    current.insertIds.push(event.insertId);
    current.bytes += current.json.length === 1 ? event.bytes : event.bytes + 1;
  }
  if (current.json.length > 0) batches.push(current);
  return batches;
}

/** Tells whether an event of `bytes` JSON bytes fits in a request body on its own. */
export function fitsInRequest(bytes: number, maxBytes: number): boolean {
  return bytes + BRACKET_BYTES <= maxBytes;
}

/** Splits a batch of two or more events into two halves, in order. */
export function splitBatch(batch: ImportBatch): [ImportBatch, ImportBatch] {
  const middle = Math.ceil(batch.json.length / 2);
  return [sliceBatch(batch, 0, middle), sliceBatch(batch, middle, batch.json.length)];
}

/** Builds the uncompressed request body: a JSON array of the batch's events. */
export function buildRequestBody(batch: ImportBatch): string {
  return `[${batch.json.join(',')}]`;
}

/** The `[` and `]` around the events of a request body. */
const BRACKET_BYTES = 2;

function emptyBatch(): ImportBatch {
  return { positions: [], json: [], insertIds: [], bytes: BRACKET_BYTES };
}

function sliceBatch(batch: ImportBatch, start: number, end: number): ImportBatch {
  const json = batch.json.slice(start, end);
  const eventBytes = json.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
  return {
    positions: batch.positions.slice(start, end),
    json,
    insertIds: batch.insertIds.slice(start, end),
    bytes: BRACKET_BYTES + eventBytes + Math.max(0, json.length - 1),
  };
}
