import { logger } from '../logger';
import type { ImportBatch } from './batching';
import type { ImportRun } from './import-run';

/** One row of `failed_records` in a strict-mode `/import` 400 response, checked and typed. */
export interface FailedRecordRow {
  index?: number;
  insertId?: string;
  field?: string;
  message: string;
}

/** Rows matched to positions of a batch, and the rows that match no event of it. */
export interface MatchedFailedRecords {
  /** Row of each failed event, by its position in the batch. */
  byPosition: Map<number, FailedRecordRow>;
  unmatched: FailedRecordRow[];
}

/**
 * Reads the `failed_records` rows of a response body. Mixpanel's docs disagree on the key of the
 * insert id: the "Import Events" page shows `$insert_id`, its OpenAPI schema and the "400 Bad
 * Request" page show `insert_id`. Both are read.
 */
export function readFailedRecords(rows: readonly unknown[]): FailedRecordRow[] {
  return rows.map((row) => {
    const fields = typeof row === 'object' && row !== null ? (row as Record<string, unknown>) : {};
    const insertId = typeof fields.$insert_id === 'string' ? fields.$insert_id : fields.insert_id;
    const result: FailedRecordRow = { message: typeof fields.message === 'string' ? fields.message : 'rejected by Mixpanel' };
    if (typeof fields.index === 'number' && Number.isInteger(fields.index)) result.index = fields.index;
    if (typeof insertId === 'string') result.insertId = insertId;
    if (typeof fields.field === 'string') result.field = fields.field;
    return result;
  });
}

/**
 * Matches rows to the events of a batch. `index` is the event's position in the request's JSON
 * array. A row without a usable index is matched by its insert id when exactly one event of the
 * batch has that `$insert_id`.
 */
export function matchFailedRecords(rows: readonly FailedRecordRow[], insertIds: readonly (string | undefined)[]): MatchedFailedRecords {
  const byPosition = new Map<number, FailedRecordRow>();
  const unmatched: FailedRecordRow[] = [];

  for (const row of rows) {
    const position = locateRow(row, insertIds);
    if (position === undefined) unmatched.push(row);
    else if (!byPosition.has(position)) byPosition.set(position, row);
  }
  return { byPosition, unmatched };
}

function locateRow(row: FailedRecordRow, insertIds: readonly (string | undefined)[]): number | undefined {
  if (row.index !== undefined && row.index >= 0 && row.index < insertIds.length) return row.index;
  if (row.insertId === undefined) return undefined;

  const first = insertIds.indexOf(row.insertId);
  if (first === -1 || insertIds.indexOf(row.insertId, first + 1) !== -1) return undefined;
  return first;
}

/** Copies rows for a log entry, at most `limit` of them, in the wire shape of `failed_records`. */
export function summarizeFailedRecords(rows: readonly FailedRecordRow[], limit = 20): Record<string, unknown>[] {
  return rows.slice(0, limit).map((row) => ({
    ...(row.index !== undefined ? { index: row.index } : {}),
    ...(row.insertId !== undefined ? { insert_id: row.insertId } : {}),
    ...(row.field !== undefined ? { field: row.field } : {}),
    message: row.message,
  }));
}

/** A 400 response with `failed_records`, as the response reader returns it. */
export interface PartialImport {
  rows: FailedRecordRow[];
  /** `num_records_imported` of the response, when present. */
  imported: number | undefined;
  httpStatus: number;
}

/**
 * Rejects the events that `failed_records` names. Mixpanel imported the others ("400 Bad Request"
 * troubleshooting page: a 400 is a partial success). When some rows match no event and
 * `num_records_imported` does not confirm the rest, the rest is returned for retry, which
 * `$insert_id` deduplication makes safe.
 *
 * @param sent requests that carried the batch so far, for the `attempts` of retry outcomes.
 */
export function settleFailedRecords(run: ImportRun, batch: ImportBatch, partial: PartialImport, sent: number): void {
  const batchSize = batch.json.length;
  const { byPosition, unmatched } = matchFailedRecords(partial.rows, batch.insertIds);
  const expectedImported = batchSize - byPosition.size;

  logger.warn('Mixpanel rejected events', {
    mixpanel_status: partial.httpStatus,
    batch_size: batchSize,
    rejected_count: byPosition.size,
    failed_records: summarizeFailedRecords(partial.rows),
  });
  if (unmatched.length > 0 || (partial.imported !== undefined && partial.imported !== expectedImported)) {
    logger.error('Mixpanel failed_records do not match the batch', {
      mixpanel_status: partial.httpStatus,
      batch_size: batchSize,
      num_records_imported: partial.imported,
      expected_records: expectedImported,
      unmatched_records: summarizeFailedRecords(unmatched),
    });
  }

  const restUnconfirmed = unmatched.length > 0 && partial.imported !== expectedImported;
  for (let index = 0; index < batchSize; index += 1) {
    const row = byPosition.get(index);
    if (row !== undefined) {
      run.settleOne(batch, index, {
        status: 'rejected',
        reason: 'mixpanel_validation_failed',
        message: row.message,
        httpStatus: partial.httpStatus,
        ...(row.field !== undefined ? { field: row.field } : {}),
        ...(row.insertId !== undefined ? { insertId: row.insertId } : {}),
      });
    } else if (restUnconfirmed) {
      const message = `Mixpanel listed failed records that match no event and reported ${String(partial.imported)} of ${expectedImported} other events imported`;
      run.settleOne(batch, index, { status: 'retry', reason: 'mixpanel_count_mismatch', message, httpStatus: partial.httpStatus, attempts: sent });
    } else {
      run.settleOne(batch, index, { status: 'delivered' });
    }
  }
}
