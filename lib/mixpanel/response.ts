import type { ImportOutcome } from './outcome';

/** One row of `failed_records` as Mixpanel sends it. */
interface FailedRecordRow {
  index?: unknown;
  field?: unknown;
  message?: unknown;
}

/**
 * Reads Mixpanel's answer to one `/import` request of `count` events into one outcome per event.
 * A 2xx counts as delivered only when the body is Mixpanel's JSON and `num_records_imported`
 * matches; a 400 with `failed_records` rejects only the listed events.
 */
export function interpretImportResponse(status: number, bodyText: string, count: number): ImportOutcome[] {
  const body = parseBody(bodyText);

  if (status >= 200 && status < 300) {
    const imported = body?.num_records_imported;
    if (typeof imported === 'number' && imported === count) return repeat(count, { status: 'delivered' });
    const message =
      typeof imported === 'number'
        ? `Mixpanel reported ${imported} of ${count} events imported`
        : `Mixpanel answered ${status} with a body that is not its JSON: ${preview(bodyText)}`;
    return repeat(count, { status: 'retry', reason: 'mixpanel_unexpected_response', message, httpStatus: status });
  }

  if (status === 400 && Array.isArray(body?.failed_records)) {
    const outcomes: ImportOutcome[] = repeat(count, { status: 'delivered' });
    for (const row of body.failed_records as FailedRecordRow[]) {
      if (typeof row.index !== 'number' || row.index < 0 || row.index >= count) continue;
      outcomes[row.index] = {
        status: 'rejected',
        reason: 'mixpanel_validation_failed',
        message: typeof row.message === 'string' ? row.message : 'rejected by Mixpanel',
        ...(typeof row.field === 'string' ? { field: row.field } : {}),
        httpStatus: status,
      };
    }
    return outcomes;
  }

  const message = `Mixpanel answered ${status}: ${preview(typeof body?.error === 'string' ? body.error : bodyText)}`;
  if (status === 400 || status === 413) {
    return repeat(count, { status: 'rejected', reason: status === 413 ? 'too_large' : 'mixpanel_bad_request', message, httpStatus: status });
  }
  if (status === 401 || status === 403) {
    return repeat(count, { status: 'retry', reason: 'mixpanel_auth_failed', message, httpStatus: status });
  }
  if (status === 429) return repeat(count, { status: 'retry', reason: 'mixpanel_rate_limited', message, httpStatus: status });
  return repeat(count, { status: 'retry', reason: 'mixpanel_server_error', message, httpStatus: status });
}

function parseBody(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}...` : flat || '(empty body)';
}

function repeat(count: number, outcome: ImportOutcome): ImportOutcome[] {
  return Array.from({ length: count }, () => ({ ...outcome }));
}
