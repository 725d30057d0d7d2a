import type { MixpanelConfig } from '../config';
import { logger } from '../logger';
import type { MixpanelEvent } from '../transform/mixpanel-event';
import { listAuthFailureCauses } from './auth';
import { BatchSender } from './batch-sender';
import { fitsInRequest, planBatches, serializeEvents, type SerializedEvent } from './batching';
import { resolveClientOptions, type ImportClientOptions } from './client-options';
import { ImportRun, type ImportClock, type TransientFailure } from './import-run';
import type { ImportOutcome } from './outcome';
import { ImportTransport } from './transport';

export type { ImportClientOptions } from './client-options';

/** Options of one `importEvents` call. */
export interface ImportOptions {
  /** Epoch milliseconds (on the client's clock) after which no request may still be running. */
  deadline?: number;
  /** Timeout of each request in ms, instead of `MixpanelConfig.requestTimeoutMs`; large batches need more. */
  requestTimeoutMs?: number;
}

/** Dependencies that tests replace. */
export interface ImportClientDependencies {
  fetch?: typeof fetch;
  /** Epoch milliseconds. Defaults to `Date.now`. */
  now?: () => number;
  /** Waits `ms` milliseconds. Defaults to a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for backoff jitter. Defaults to `Math.random`. */
  random?: () => number;
}

/**
 * Client of Mixpanel's `/import` API: JSON bodies in gzip with `strict=1`, batched by count and
 * bytes, sent with bounded concurrency, retried with backoff on transient failures, and split
 * when Mixpanel finds a batch too large or invalid. It returns one outcome per event, in input
 * order, and never throws for Mixpanel's responses or network failures.
 */
export class MixpanelImportClient {
  private readonly transport: ImportTransport;
  private readonly options: Required<ImportClientOptions>;
  private readonly clock: ImportClock;
  /** Credential failures since this client was built (one Lambda cold start). */
  private authFailures = 0;

  /** @throws ConfigurationError when the API URL is unsafe or an option is invalid. */
  constructor(
    private readonly config: MixpanelConfig,
    dependencies: ImportClientDependencies = {},
    options: ImportClientOptions = {},
  ) {
    this.transport = new ImportTransport(config, dependencies.fetch ?? fetch);
    this.options = resolveClientOptions(options);
    this.clock = {
      now: dependencies.now ?? Date.now,
      sleep: dependencies.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: dependencies.random ?? Math.random,
    };
  }

  /**
   * Imports events and returns one outcome per event, in input order.
   *
   * @throws RangeError when `options.requestTimeoutMs` is not a positive integer.
   */
  async importEvents(events: readonly MixpanelEvent[], options: ImportOptions = {}): Promise<ImportOutcome[]> {
    const requestTimeoutMs = options.requestTimeoutMs ?? this.config.requestTimeoutMs;
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs <= 0) {
      throw new RangeError(`Invalid Mixpanel request timeout ${String(requestTimeoutMs)} ms: expected a positive integer`);
    }
    if (events.length === 0) return [];

    const startedAt = this.clock.now();
    const run = new ImportRun(events.length, options.deadline, requestTimeoutMs, this.options.retryBudget);

    const sendable = this.rejectUnsendable(serializeEvents(events), run);
    const batches = planBatches(sendable, { maxEvents: this.options.maxBatchEvents, maxBytes: this.options.maxBatchBytes });
    const sender = new BatchSender(this.transport, this.options, this.clock, run, (failure) => this.logAuthFailure(failure));
    await runWithConcurrency(batches, this.options.concurrency, (batch) => sender.send(batch));

    const outcomes = run.outcomes.map(
      (outcome): ImportOutcome => outcome ?? { status: 'retry', reason: 'mixpanel_unexpected_response', message: 'The Mixpanel client settled no outcome for this event', attempts: 0 },
    );
    logger.debug('Mixpanel import finished', {
      events: events.length,
      batches: batches.length,
      requests: run.requests,
      delivered: outcomes.filter((outcome) => outcome.status === 'delivered').length,
      rejected: outcomes.filter((outcome) => outcome.status === 'rejected').length,
      retry: outcomes.filter((outcome) => outcome.status === 'retry').length,
      duration_ms: this.clock.now() - startedAt,
    });
    return outcomes;
  }

  /** Rejects events that cannot be serialised or that exceed the request size on their own, and returns the rest. */
  private rejectUnsendable(events: SerializedEvent[], run: ImportRun): Extract<SerializedEvent, { json: string }>[] {
    const sendable: Extract<SerializedEvent, { json: string }>[] = [];
    for (const event of events) {
      if ('error' in event) {
        logger.warn('Mixpanel event cannot be serialised', { reason: 'invalid_event', error_message: event.error });
        run.outcomes[event.position] = { status: 'rejected', reason: 'invalid_event', message: `Event cannot be serialised as JSON: ${event.error}` };
      } else if (!fitsInRequest(event.bytes, this.options.maxBatchBytes)) {
        logger.warn('Mixpanel event too large to send', { reason: 'too_large', event_bytes: event.bytes, insert_id: event.insertId });
        const message = `Event is ${event.bytes} bytes of JSON, more than the ${this.options.maxBatchBytes}-byte request limit`;
        run.outcomes[event.position] = { status: 'rejected', reason: 'too_large', message };
      } else {
        sendable.push(event);
      }
    }
    return sendable;
  }

  private logAuthFailure(failure: TransientFailure): void {
    this.authFailures += 1;
    const credentials = this.config.credentials;
    logger.error('Mixpanel rejected the credentials; events are kept for retry', {
      reason: failure.reason,
      error_message: failure.message,
      mixpanel_url: this.transport.endpoint.origin,
      credential_kind: credentials.kind,
      ...(credentials.kind === 'service_account' ? { project_id: credentials.projectId } : {}),
      likely_causes: listAuthFailureCauses(credentials),
      auth_failures: this.authFailures,
    });
  }
}

/** Runs `worker` over `items` with at most `limit` calls in flight, starting them in order. */
async function runWithConcurrency<T>(items: readonly T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await worker(item);
    }
  });
  await Promise.all(lanes);
}
