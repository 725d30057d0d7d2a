import { z } from 'zod';
import { isPlainObject, type FailedRecord } from './mixpanel-validation';

/**
 * Failure that the local Mixpanel server applies to one `/import` request instead of, or on top
 * of, its normal response.
 *
 * - `status` (with optional `body`, `contentType`, `headers`): responds with that status and body
 *   and imports nothing. Without `body`, the body is Mixpanel's JSON error shape.
 * - `delayMs`: waits that many ms before the normal or faulted response. The events are imported
 *   when the wait ends, even if the client has given up, as a slow Mixpanel would do.
 * - `hang`: reads the request and never responds, until the client or `close()` ends the connection.
 * - `destroySocket`: reads the request and closes the connection without a response.
 * - `rejectIndexes`: fails those event indexes in an otherwise normal request (partial 400).
 * - `times`: number of consecutive requests the fault applies to (default 1).
 */
export interface MixpanelFault {
  status?: number;
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  hang?: boolean;
  destroySocket?: boolean;
  rejectIndexes?: number[];
  times?: number;
}

/** Schema of a fault sent to `POST /__faults`. It rejects unknown keys, so a misspelt key fails instead of doing nothing. */
const faultSchema = z.strictObject({
  status: z.number().int().min(100).max(599).optional(),
  body: z.string().optional(),
  contentType: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  delayMs: z.number().int().min(0).optional(),
  hang: z.boolean().optional(),
  destroySocket: z.boolean().optional(),
  rejectIndexes: z.array(z.number().int().min(0)).optional(),
  times: z.number().int().min(1).optional(),
});

/**
 * Parses the JSON body of `POST /__faults`: one fault or an array of faults. Throws an `Error`
 * that names the invalid field when the body does not match {@link MixpanelFault}.
 */
export function parseFaults(value: unknown): MixpanelFault[] {
  const result = z.union([faultSchema, z.array(faultSchema)]).safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.join('.');
    throw new Error(`invalid fault at ${path}: ${issue?.message ?? 'does not match the fault schema'}`);
  }
  return Array.isArray(result.data) ? result.data : [result.data];
}

/** First-in, first-out queue of faults, each consumed by `times` consecutive requests. */
export class FaultQueue {
  private readonly entries: { fault: MixpanelFault; remaining: number }[] = [];

  /** Appends a fault to the end of the queue. */
  push(fault: MixpanelFault): void {
    this.entries.push({ fault, remaining: fault.times ?? 1 });
  }

  /** Removes every queued fault. */
  clear(): void {
    this.entries.length = 0;
  }

  /** Returns the fault for the next request, or `undefined` when none is queued, and counts one use. */
  take(): MixpanelFault | undefined {
    const head = this.entries[0];
    if (head === undefined) return undefined;

    head.remaining -= 1;
    if (head.remaining <= 0) this.entries.shift();
    return head.fault;
  }

  /** Number of faults still queued. */
  get size(): number {
    return this.entries.length;
  }
}

/** Short description of a fault for request records and log lines, e.g. `status=500 delayMs=200`. */
export function describeFault(fault: MixpanelFault): string {
  const parts: string[] = [];
  if (fault.status !== undefined) parts.push(`status=${fault.status}`);
  if (fault.delayMs !== undefined) parts.push(`delayMs=${fault.delayMs}`);
  if (fault.hang === true) parts.push('hang');
  if (fault.destroySocket === true) parts.push('destroySocket');
  if (fault.rejectIndexes !== undefined) parts.push(`rejectIndexes=${fault.rejectIndexes.join(',')}`);
  return parts.length > 0 ? parts.join(' ') : 'none';
}

/** Builds the failed record of an event that a `rejectIndexes` fault rejects. */
export function injectedFailure(event: unknown, index: number): FailedRecord {
  const record: FailedRecord = { index, field: 'properties', message: "'properties' is invalid: rejected by an injected fault" };
  const properties = isPlainObject(event) ? event.properties : undefined;
  if (isPlainObject(properties) && typeof properties.$insert_id === 'string') record.$insert_id = properties.$insert_id;
  return record;
}
