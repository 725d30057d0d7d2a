import type { ImportBatch } from './batching';
import type { ImportOutcome, RetryReason } from './outcome';

/** Clock, sleep and randomness of the client, replaced in tests so that backoff runs without real waits. */
export interface ImportClock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1), like `Math.random`. */
  random(): number;
}

/** A failure that sending the same batch again may overcome. */
export interface TransientFailure {
  reason: RetryReason;
  message: string;
  httpStatus?: number;
  /** Wait the response asked for with `Retry-After`, in ms. */
  retryAfterMs?: number;
  /** Set when no response arrived because the connection failed, as opposed to a timeout or a status. */
  connectionFailed?: boolean;
}

/** Cause that made the client stop retrying a batch. */
export type StopCause = 'deadline' | 'max_retries' | 'retry_budget' | 'retry_after';

/**
 * State shared by the batches of one `importEvents` call: the outcome of each input event, the
 * deadline, the retry budget, a pause that a 429 imposes on every batch, and a credential failure
 * that stops batches not yet sent.
 */
export class ImportRun {
  readonly outcomes: (ImportOutcome | undefined)[];
  retriesLeft: number;
  requests = 0;
  /** Epoch ms before which no request may start, because Mixpanel rate-limited the project. */
  pausedUntil = 0;
  pauseCause: TransientFailure | undefined;
  authFailure: TransientFailure | undefined;

  constructor(
    eventCount: number,
    /** Epoch ms after which no request may still be running, or `undefined` for none. */
    readonly deadline: number | undefined,
    /** Timeout of one request in ms, shortened near the deadline. */
    readonly requestTimeoutMs: number,
    retryBudget: number,
  ) {
    this.outcomes = new Array<ImportOutcome | undefined>(eventCount).fill(undefined);
    this.retriesLeft = retryBudget;
  }

  /** Sets the outcome of every event of a batch. */
  settle(batch: ImportBatch, outcome: ImportOutcome): void {
    for (const position of batch.positions) this.outcomes[position] = { ...outcome };
  }

  /** Sets the outcome of the event at `index` within a batch. */
  settleOne(batch: ImportBatch, index: number, outcome: ImportOutcome): void {
    const position = batch.positions[index];
    if (position !== undefined) this.outcomes[position] = outcome;
  }

  /** Delays every request of this run until `until`, unless a longer pause is already set. */
  pause(until: number, cause: TransientFailure): void {
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    this.pauseCause = cause;
  }
}
