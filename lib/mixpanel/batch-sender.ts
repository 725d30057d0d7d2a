import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { logger } from '../logger';
import { computeBackoffDelay } from './backoff';
import { buildRequestBody, splitBatch, type ImportBatch } from './batching';
import type { ImportClientOptions } from './client-options';
import { settleFailedRecords } from './failed-records';
import type { ImportClock, ImportRun, StopCause, TransientFailure } from './import-run';
import { readImportResponse, type ImportVerdict } from './response';
import { TransportError, type ImportTransport } from './transport';

const gzipAsync = promisify(gzip);

const NO_TIME_LEFT: TransientFailure = { reason: 'deadline_exceeded', message: 'No time left before the deadline to call Mixpanel' };

/** A response that settles the batch without resending it unchanged. */
type FinalVerdict = Exclude<ImportVerdict, { kind: 'transient' }>;

/** Retry state of one batch. */
interface Attempts {
  /** Requests that carried these events, those of larger batches they were split from included. */
  sent: number;
  retries: number;
  /** Retries that waited for a backoff delay; the exponent of the next delay. */
  backoffs: number;
  immediateRetryUsed: boolean;
}

/**
 * Sends batches of one `importEvents` call and settles every event in the shared {@link ImportRun}:
 * it retries transient failures with backoff, splits batches Mixpanel finds too large or invalid,
 * and applies `failed_records` rows. It never throws for Mixpanel's responses or network failures.
 */
export class BatchSender {
  constructor(
    private readonly transport: ImportTransport,
    private readonly options: Required<ImportClientOptions>,
    private readonly clock: ImportClock,
    private readonly run: ImportRun,
    private readonly onAuthFailure: (failure: TransientFailure) => void,
  ) {}

  /** Sends one batch until each of its events is delivered, rejected or returned for retry. */
  async send(batch: ImportBatch, sentBefore = 0): Promise<void> {
    let body: Buffer | undefined;
    const attempts: Attempts = { sent: sentBefore, retries: 0, backoffs: 0, immediateRetryUsed: false };
    let lastFailure: TransientFailure | undefined;

    for (;;) {
      if (this.run.authFailure !== undefined) return this.settleRetry(batch, this.run.authFailure, attempts.sent);

      const pauseFailure = await this.waitForPause();
      if (pauseFailure !== undefined) return this.stop(batch, pauseFailure, attempts.sent, 'deadline');
      const timeoutMs = this.requestTimeout();
      if (timeoutMs === undefined) return this.stop(batch, lastFailure ?? NO_TIME_LEFT, attempts.sent, 'deadline');

      // Compressed once, on first use, so batches that never go out cost nothing.
      body ??= await gzipAsync(buildRequestBody(batch));
      attempts.sent += 1;
      this.run.requests += 1;
      const verdict = await this.sendOnce(body, batch, timeoutMs);
      if (verdict.kind !== 'retryable') return this.settleVerdict(batch, verdict, attempts.sent);

      lastFailure = verdict.failure;
      const retry = this.planRetry(verdict.failure, attempts);
      if (retry.stop !== undefined) return this.stop(batch, verdict.failure, attempts.sent, retry.stop, retry.delayMs);

      this.run.retriesLeft -= 1;
      attempts.retries += 1;
      logger.info('Mixpanel import retrying', {
        reason: verdict.failure.reason,
        mixpanel_status: verdict.failure.httpStatus,
        batch_size: batch.json.length,
        attempt: attempts.sent,
        delay_ms: retry.delayMs,
      });
      // A 429 limits the whole project, so every batch of the run waits. Other failures pause one batch.
      if (verdict.failure.reason === 'mixpanel_rate_limited') this.run.pause(this.clock.now() + retry.delayMs, verdict.failure);
      if (retry.delayMs > 0) await this.clock.sleep(retry.delayMs);
    }
  }

  /** Sends one request and reads its response, with every transient failure as a `retryable` result. */
  private async sendOnce(body: Buffer, batch: ImportBatch, timeoutMs: number): Promise<FinalVerdict | { kind: 'retryable'; failure: TransientFailure }> {
    try {
      const response = await this.transport.send(body, timeoutMs);
      const verdict = readImportResponse(response, batch.json.length, this.clock.now());
      if (verdict.kind !== 'transient') return verdict;
      const { reason, message, retryAfterMs, httpStatus } = verdict;
      return { kind: 'retryable', failure: { reason, message, httpStatus, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) } };
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      const failure: TransientFailure =
        error.kind === 'timeout'
          ? { reason: 'mixpanel_timeout', message: error.message }
          : { reason: 'mixpanel_network_error', message: error.message, connectionFailed: true };
      return { kind: 'retryable', failure };
    }
  }

  /**
   * Decides the wait before the next attempt, or the cause that stops retrying. A failed connection
   * is tried again at once, one time per batch, because the server may have closed a pooled
   * keep-alive connection while the Lambda was frozen. `$insert_id` deduplication makes the resend safe.
   */
  private planRetry(failure: TransientFailure, attempts: Attempts): { delayMs: number; stop?: StopCause } {
    if (attempts.retries >= this.options.maxRetries) return { delayMs: 0, stop: 'max_retries' };
    if (this.run.retriesLeft <= 0) return { delayMs: 0, stop: 'retry_budget' };

    let delayMs = 0;
    if (failure.connectionFailed === true && !attempts.immediateRetryUsed) {
      attempts.immediateRetryUsed = true;
    } else {
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > this.options.maxDelayMs) {
        return { delayMs: failure.retryAfterMs, stop: 'retry_after' };
      }
      delayMs = computeBackoffDelay(attempts.backoffs, this.options, this.clock.random, failure.retryAfterMs);
      attempts.backoffs += 1;
    }

    const deadline = this.run.deadline;
    if (deadline !== undefined && this.clock.now() + delayMs + this.options.minRequestTimeMs > deadline) {
      return { delayMs, stop: 'deadline' };
    }
    return { delayMs };
  }

  private settleVerdict(batch: ImportBatch, verdict: FinalVerdict, sent: number): Promise<void> | void {
    const batchSize = batch.json.length;
    switch (verdict.kind) {
      case 'imported':
        if (verdict.imported > batchSize) {
          logger.error('Mixpanel reported more events imported than sent', {
            mixpanel_status: verdict.httpStatus,
            batch_size: batchSize,
            num_records_imported: verdict.imported,
          });
        }
        return this.run.settle(batch, { status: 'delivered' });
      case 'partial':
        return settleFailedRecords(this.run, batch, verdict, sent);
      case 'split':
        return this.split(batch, verdict, sent);
      case 'auth': {
        const failure: TransientFailure = { reason: 'mixpanel_auth_failed', message: verdict.message, httpStatus: verdict.httpStatus };
        if (this.run.authFailure === undefined) {
          this.run.authFailure = failure;
          this.onAuthFailure(failure);
        }
        return this.settleRetry(batch, failure, sent);
      }
      case 'unexpected':
        logger.error('Mixpanel response not recognised', {
          reason: verdict.reason,
          mixpanel_status: verdict.httpStatus,
          batch_size: batchSize,
          error_message: verdict.message,
        });
        return this.settleRetry(batch, { reason: verdict.reason, message: verdict.message, httpStatus: verdict.httpStatus }, sent);
    }
  }

  /**
   * Halves a batch after a 413 or a 400 without rows and sends the halves in turn, down to single
   * events, which are then rejected. Each split halves the batch, so isolating the bad events of
   * n takes at most 2n - 1 requests, retries of transient failures aside.
   */
  private async split(batch: ImportBatch, verdict: Extract<ImportVerdict, { kind: 'split' }>, sent: number): Promise<void> {
    if (batch.json.length === 1) {
      logger.warn('Mixpanel rejected an event sent on its own', {
        reason: verdict.reason,
        mixpanel_status: verdict.httpStatus,
        error_message: verdict.message,
        insert_id: batch.insertIds[0],
      });
      return this.run.settle(batch, { status: 'rejected', reason: verdict.reason, message: verdict.message, httpStatus: verdict.httpStatus });
    }

    logger.debug('Mixpanel import splitting batch', { reason: verdict.reason, batch_size: batch.json.length });
    for (const half of splitBatch(batch)) await this.send(half, sent);
  }

  private stop(batch: ImportBatch, failure: TransientFailure, sent: number, cause: StopCause, nextDelayMs?: number): void {
    logger.warn('Mixpanel import gave up', {
      reason: failure.reason,
      mixpanel_status: failure.httpStatus,
      batch_size: batch.json.length,
      attempts: sent,
      stopped_by: cause,
    });
    const message = sent === 0 ? failure.message : `${failure.message} (gave up after ${sent} attempts: ${describeStop(cause)})`;
    this.settleRetry(batch, { ...failure, message }, sent, nextDelayMs);
  }

  private settleRetry(batch: ImportBatch, failure: TransientFailure, sent: number, retryAfterMs?: number): void {
    this.run.settle(batch, {
      status: 'retry',
      reason: failure.reason,
      message: failure.message,
      attempts: sent,
      ...(failure.httpStatus !== undefined ? { httpStatus: failure.httpStatus } : {}),
      ...(retryAfterMs !== undefined && retryAfterMs > 0 ? { retryAfterMs } : {}),
    });
  }

  /** Waits out a rate-limit pause of the run. Returns its cause when the pause runs past the deadline. */
  private async waitForPause(): Promise<TransientFailure | undefined> {
    for (;;) {
      const waitMs = this.run.pausedUntil - this.clock.now();
      if (waitMs <= 0) return undefined;
      const deadline = this.run.deadline;
      if (deadline !== undefined && this.run.pausedUntil + this.options.minRequestTimeMs > deadline) return this.run.pauseCause;
      await this.clock.sleep(waitMs);
    }
  }

  /** Returns the timeout of the next request, or `undefined` when too little time is left before the deadline. */
  private requestTimeout(): number | undefined {
    const deadline = this.run.deadline;
    if (deadline === undefined) return this.run.requestTimeoutMs;
    const left = deadline - this.clock.now();
    return left < this.options.minRequestTimeMs ? undefined : Math.min(this.run.requestTimeoutMs, left);
  }
}

function describeStop(cause: StopCause): string {
  switch (cause) {
    case 'deadline':
      return 'the next attempt would end after the deadline';
    case 'max_retries':
      return 'retry limit of the batch reached';
    case 'retry_budget':
      return 'retry budget of the import used up';
    case 'retry_after':
      return 'Retry-After is longer than the maximum backoff delay';
  }
}
