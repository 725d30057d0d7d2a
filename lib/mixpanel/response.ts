import { parseRetryAfter } from './backoff';
import { readFailedRecords, type FailedRecordRow } from './failed-records';
import type { TransportResponse } from './transport';

/**
 * Meaning of one `/import` response for the batch that was sent.
 *
 * - `imported`: Mixpanel's JSON reports at least as many events imported as were sent.
 * - `partial`: a 400 with `failed_records`. Mixpanel imported every event it did not list.
 * - `split`: a 413, or a 400 without rows. Smaller batches may pass.
 * - `transient`: 408, 429 or 5xx. The same batch may pass later.
 * - `auth`: 401 or 403, because credentials, `project_id` or region are wrong.
 * - `unexpected`: anything else, including a success status without Mixpanel's JSON.
 */
export type ImportVerdict = VerdictBody & {
  /** HTTP status of the response. */
  httpStatus: number;
};

type VerdictBody =
  | { kind: 'imported'; imported: number }
  | { kind: 'partial'; rows: FailedRecordRow[]; imported: number | undefined }
  | { kind: 'split'; reason: 'too_large' | 'mixpanel_bad_request'; message: string }
  | { kind: 'transient'; reason: 'mixpanel_rate_limited' | 'mixpanel_server_error'; message: string; retryAfterMs?: number }
  | { kind: 'auth'; message: string }
  | { kind: 'unexpected'; reason: 'mixpanel_unexpected_response' | 'mixpanel_count_mismatch'; message: string };

/**
 * Reads Mixpanel's response to a request of `count` events. Sources: the "Import Events" API
 * reference and the 400, 401, 413 and 429 troubleshooting pages of Mixpanel's docs.
 *
 * @param nowMs clock for a `Retry-After` given as an HTTP date.
 */
export function readImportResponse(response: TransportResponse, count: number, nowMs: number): ImportVerdict {
  return { ...classifyResponse(response, count, nowMs), httpStatus: response.status };
}

function classifyResponse(response: TransportResponse, count: number, nowMs: number): VerdictBody {
  const { status, bodyText } = response;
  const body = parseJsonObject(bodyText);

  if (status >= 200 && status < 300) return readSuccess(status, body, bodyText, count);

  // A 400 is a partial success: Mixpanel imports the events that passed and lists the others.
  if (status === 400 && Array.isArray(body?.failed_records) && body.failed_records.length > 0) {
    const imported = typeof body.num_records_imported === 'number' ? body.num_records_imported : undefined;
    return { kind: 'partial', rows: readFailedRecords(body.failed_records), imported };
  }
  const message = `Mixpanel responded ${status}: ${describeBody(body, bodyText)}`;
  if (status === 400) return { kind: 'split', reason: 'mixpanel_bad_request', message };
  // Proxies return 413 with an HTML page, so the status alone decides.
  if (status === 413) return { kind: 'split', reason: 'too_large', message };

  if (status === 401 || status === 403) return { kind: 'auth', message };

  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), nowMs);
    return {
      kind: 'transient',
      reason: status === 429 ? 'mixpanel_rate_limited' : 'mixpanel_server_error',
      message,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  return { kind: 'unexpected', reason: 'mixpanel_unexpected_response', message };
}

/**
 * Reads a 2xx. Only Mixpanel's JSON counts: a proxy or the legacy `/track` style may return a
 * bare `1`, which confirms nothing.
 */
function readSuccess(status: number, body: Record<string, unknown> | undefined, bodyText: string, count: number): VerdictBody {
  const imported = body?.num_records_imported;
  if (typeof imported !== 'number') {
    return {
      kind: 'unexpected',
      reason: 'mixpanel_unexpected_response',
      message: `Mixpanel responded ${status} with a body that is not its import result: ${preview(bodyText)}`,
    };
  }
  if (imported < count) {
    return {
      kind: 'unexpected',
      reason: 'mixpanel_count_mismatch',
      message: `Mixpanel responded ${status} but reported ${imported} of ${count} events imported`,
    };
  }
  return { kind: 'imported', imported };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function describeBody(body: Record<string, unknown> | undefined, bodyText: string): string {
  return preview(typeof body?.error === 'string' ? body.error : bodyText);
}

/** Shortens a body for messages and logs: whitespace collapsed, at most 200 characters. */
export function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat || '(empty body)';
}
