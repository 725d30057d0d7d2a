import type { SQSClient } from '@aws-sdk/client-sqs';
import { QueueSendError } from '../errors';
import { prepareEvent } from '../pipeline';
import type { CapturedRequest } from '../queue/captured-request';
import { deleteQueuedMessages, receiveQueuedRequests, releaseQueuedRequests, type QueuedRequest } from '../queue/queue-reader';
import type { RequestQueue } from '../queue/request-queue';
import { runPipeline, type RunDependencies } from '../run-pipeline';
import { PipelineError } from '../errors';

/** Options of {@link redriveDeadLetters}. */
export interface RedriveOptions {
  /** Only prepare the events and report what would happen; nothing is sent or deleted. */
  dryRun?: boolean;
  /** Process at most this many messages. */
  limit?: number;
  /** Only messages whose failure has this reason. */
  reason?: string;
  /**
   * Messages per pipeline run (default 100, the retry function's batch size). Smaller chunks keep
   * less garbage between collections: a 10,000-message redrive peaked at about 140 MiB with 100
   * and about 160 MiB with 500 (bench/memory.ts, one run each on a 2-core machine).
   */
  chunkSize?: number;
  /** Called after each chunk. */
  onProgress?: (progress: RedriveProgress) => void;
}

/** Running totals of a redrive. */
export interface RedriveProgress {
  processed: number;
  delivered: number;
  stillFailing: number;
  skipped: number;
  /** Dry run only: messages whose events were prepared without error. */
  wouldImport: number;
  /** Reasons of the requests that still fail, with counts. */
  failureReasons: Record<string, number>;
}

/** Dependencies of a redrive. */
export interface RedriveDependencies extends RunDependencies {
  client: SQSClient;
  queueUrl: string;
  /** The dead-letter queue, where requests that still fail go back with their updated failure. */
  deadLetterQueue: RequestQueue;
}

// Messages stay hidden this long while a redrive works on them; longer than one chunk takes.
const VISIBILITY_SECONDS = 900;

/**
 * Re-runs dead-lettered requests through parse, transform and import with the current code and
 * configuration, from their stored body and receive time (so `time` and `$insert_id` are the same
 * as on the first attempt and Mixpanel deduplicates anything already imported). Delivered requests
 * are deleted; those that still fail go back with their updated failure, and the old message is deleted.
 */
export async function redriveDeadLetters(dependencies: RedriveDependencies, options: RedriveOptions = {}): Promise<RedriveProgress> {
  const progress: RedriveProgress = { processed: 0, delivered: 0, stillFailing: 0, skipped: 0, wouldImport: 0, failureReasons: {} };
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const chunkSize = options.chunkSize ?? 100;
  // Messages left alone (other reason, unreadable, or re-queued by this run) stay hidden until the
  // end, so the loop never receives them twice, and are then made visible again.
  const leftAlone: QueuedRequest[] = [];
  const handledRequestIds = new Set<string>();

  try {
    while (progress.processed < limit) {
      const received = await receiveQueuedRequests(dependencies.client, dependencies.queueUrl, {
        limit: Math.min(chunkSize, limit - progress.processed),
        visibilityTimeoutSeconds: VISIBILITY_SECONDS,
      });
      if (received.length === 0) break;

      const requeued = received.filter((message) => handledRequestIds.has(message.captured?.request_id ?? ''));
      const fresh = received.filter((message) => !requeued.includes(message));
      const selected = fresh.filter((message) => isSelected(message, options.reason));
      leftAlone.push(...requeued, ...fresh.filter((message) => !selected.includes(message)));
      progress.skipped += fresh.length - selected.length;
      for (const message of selected) handledRequestIds.add(message.captured!.request_id);
      if (selected.length === 0) continue;

      if (options.dryRun) {
        dryRunChunk(selected, dependencies, progress);
        leftAlone.push(...selected);
      } else {
        leftAlone.push(...(await redriveChunk(selected, dependencies, progress)));
      }
      options.onProgress?.({ ...progress, failureReasons: { ...progress.failureReasons } });
    }
  } finally {
    await releaseQueuedRequests(dependencies.client, dependencies.queueUrl, leftAlone);
  }
  return progress;
}

function isSelected(message: QueuedRequest, reason: string | undefined): boolean {
  if (message.captured === undefined) return false;
  return reason === undefined || message.captured.failure?.reason === reason;
}

function dryRunChunk(selected: QueuedRequest[], dependencies: RedriveDependencies, progress: RedriveProgress): void {
  for (const message of selected) {
    progress.processed += 1;
    try {
      prepareEvent(structuredClone(message.captured!), dependencies.config);
      progress.wouldImport += 1;
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      progress.stillFailing += 1;
      progress.failureReasons[error.reason] = (progress.failureReasons[error.reason] ?? 0) + 1;
    }
  }
}

// Returns the messages that must stay in the queue unchanged (their update could not be stored).
async function redriveChunk(selected: QueuedRequest[], dependencies: RedriveDependencies, progress: RedriveProgress): Promise<QueuedRequest[]> {
  const requests: CapturedRequest[] = selected.map((message) => message.captured!);
  const results = await runPipeline(requests, dependencies, { requestTimeoutMs: dependencies.config.mixpanel.batchRequestTimeoutMs });
  const done: QueuedRequest[] = [];
  const kept: QueuedRequest[] = [];

  for (const [index, result] of results.entries()) {
    const message = selected[index]!;
    progress.processed += 1;
    if (result.status === 'imported') {
      progress.delivered += 1;
      done.push(message);
      continue;
    }
    progress.stillFailing += 1;
    progress.failureReasons[result.failure.reason] = (progress.failureReasons[result.failure.reason] ?? 0) + 1;
    try {
      await dependencies.deadLetterQueue.send(result.captured);
      done.push(message);
    } catch (error) {
      if (!(error instanceof QueueSendError)) throw error;
      kept.push(message);
    }
  }

  await deleteQueuedMessages(
    dependencies.client,
    dependencies.queueUrl,
    done.map((message) => message.receiptHandle),
  );
  return kept;
}
