import { STATUS_CODES, type ServerResponse } from 'node:http';
import { MAX_BODY_BYTES } from './mixpanel-request';
import type { FailedRecord } from './mixpanel-validation';

/** Status texts of Mixpanel's JSON bodies where they differ from Node's `STATUS_CODES`. */
const MIXPANEL_STATUS_TEXT: Record<number, string> = { 413: 'Request Entity Too Large' };

/** Error message of the documented strict-mode 400 response. */
const VALIDATION_ERROR = 'some data points in the request failed validation';

/**
 * `error` texts of Mixpanel's documented error responses (its troubleshooting pages and OpenAPI
 * schema). The documented 413 example names 2097152 bytes, the earlier 2MB limit, so the current
 * 10MB limit is used here.
 */
const DOCUMENTED_ERRORS: Record<number, string> = {
  401: 'Invalid credentials',
  413: `request exceeds max limit of ${MAX_BODY_BYTES} bytes`,
  429: 'Project exceeded rate limits. Please retry the request with exponential backoff.',
};

/** Builds the body of an injected fault that sets no body, with Mixpanel's error text where one is documented. */
export function faultBody(status: number): string {
  return JSON.stringify(errorBody(status, DOCUMENTED_ERRORS[status] ?? `injected fault: ${statusText(status)}`));
}

/** Returns the `status` text Mixpanel puts in a JSON body, e.g. `Unauthorized` for 401. */
export function statusText(status: number): string {
  return MIXPANEL_STATUS_TEXT[status] ?? STATUS_CODES[status] ?? 'Unknown';
}

/** Builds Mixpanel's JSON error body, e.g. `{"code":401,"error":"Invalid credentials","status":"Unauthorized"}`. */
export function errorBody(status: number, error: string): { code: number; error: string; status: string } {
  return { code: status, error, status: statusText(status) };
}

/**
 * Builds the response to a batch that was decoded and authenticated: 200 when every event was
 * imported, else the strict-mode 400 that lists `failed_records` and still counts the imported
 * events (partial success, as the "400 Bad Request" troubleshooting page describes).
 */
export function importResult(imported: number, failed: readonly FailedRecord[]): { status: number; body: Record<string, unknown> } {
  if (failed.length === 0) return { status: 200, body: { code: 200, num_records_imported: imported, status: 'OK' } };

  return {
    status: 400,
    body: {
      code: 400,
      error: VALIDATION_ERROR,
      status: 'Bad Request',
      num_records_imported: imported,
      failed_records: failed.map(toWireRecord),
    },
  };
}

/**
 * Writes a failed record for the response. Mixpanel's docs disagree on the key of the insert id:
 * the "Import Events" page shows `$insert_id`, the OpenAPI schema `insert_id`. Both are sent.
 */
function toWireRecord(record: FailedRecord): Record<string, unknown> {
  if (record.$insert_id === undefined) return { index: record.index, field: record.field, message: record.message };
  return { index: record.index, $insert_id: record.$insert_id, insert_id: record.$insert_id, field: record.field, message: record.message };
}

/** Sends `payload` as a JSON response. `headers` are added to the defaults or replace them. */
export function sendJson(response: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(payload));
}
