import type { SQSBatchResponse } from 'aws-lambda';
import { QueueSendError } from '../errors';
import { logger } from '../logger';
import type { ImportOptions } from '../mixpanel/import-client';
import type { CapturedRequest } from '../queue/captured-request';
import type { RequestQueue } from '../queue/request-queue';
import { runPipeline, type RunDependencies } from '../run-pipeline';
import { retryDelaySeconds } from './backoff';
import { readRetryMessage, type RetryMessage } from './read-queue-message';

/** One retry-queue message and the handle to postpone it. */
export interface RetryRecord extends RetryMessage {
  receiptHandle: string;
}

/** Dependencies of the retry consumer besides the pipeline's. */
export interface RetryDependencies extends RunDependencies {
  deadLetterQueue: RequestQueue;
  /** Hides a message for the given seconds, which is how long SQS waits before the next retry. */
  delayRetry(receiptHandle: string, seconds: number): Promise<void>;
  random?: () => number;
}

/** Counts of one consumed batch, for the summary log line. */
interface BatchCounts {
  imported: number;
  dead_lettered: number;
  retry_later: number;
}

/**
 * Imports a batch of retry-queue messages with as few `/import` calls as the client needs, and
 * reports the messages to try again as partial batch failures. A transient failure postpones its
 * message by exponential backoff through the visibility timeout; on the last allowed receive, or
 * for a permanent failure, the request goes to the dead-letter queue with its latest failure.
 */
export async function consumeRetryBatch(
  records: readonly RetryRecord[],
  dependencies: RetryDependencies,
  options: ImportOptions = {},
): Promise<SQSBatchResponse> {
  const now = dependencies.now ?? Date.now;
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const counts: BatchCounts = { imported: 0, dead_lettered: 0, retry_later: 0 };
  const readable: Array<{ record: RetryRecord; captured: CapturedRequest }> = [];

  for (const record of records) {
    const captured = readRetryMessage(record, now());
    if (captured.failure?.reason === 'invalid_queue_message') {
      await deadLetter(record, captured, dependencies, failures, counts);
    } else {
      readable.push({ record, captured });
    }
  }

  const results = await runPipeline(
    readable.map((item) => item.captured),
    dependencies,
    options,
  );
  for (const [position, result] of results.entries()) {
    const { record } = readable[position]!;
    if (result.status === 'imported') {
      counts.imported += 1;
      continue;
    }
    if (result.failure.permanent || record.receiveCount >= dependencies.config.retry.maxReceives) {
      if (!result.failure.permanent) {
        result.failure.message = `Gave up after ${result.captured.attempts} attempts: ${result.failure.message}`;
      }
      await deadLetter(record, result.captured, dependencies, failures, counts);
      continue;
    }
    await postpone(record, dependencies, failures, counts);
  }

  logger.info('Retry batch processed', { records: records.length, ...counts });
  return { batchItemFailures: failures };
}

async function deadLetter(
  record: RetryRecord,
  captured: CapturedRequest,
  dependencies: RetryDependencies,
  failures: SQSBatchResponse['batchItemFailures'],
  counts: BatchCounts,
): Promise<void> {
  try {
    await dependencies.deadLetterQueue.send(captured);
    counts.dead_lettered += 1;
    logger.warn('Retried request dead-lettered', {
      request_id: captured.request_id,
      reason: captured.failure?.reason,
      attempts: captured.attempts,
      branch_event: captured.failure?.event_name,
    });
  } catch (error) {
    if (!(error instanceof QueueSendError)) throw error;
    // The message stays in the retry queue; SQS's redrive policy is the last safety net.
    logger.error('Dead-letter queue did not take a retried request; it stays in the retry queue', {
      request_id: captured.request_id,
      queue: error.queueUrl,
      error: error.message,
    });
    failures.push({ itemIdentifier: record.messageId });
    counts.retry_later += 1;
  }
}

async function postpone(
  record: RetryRecord,
  dependencies: RetryDependencies,
  failures: SQSBatchResponse['batchItemFailures'],
  counts: BatchCounts,
): Promise<void> {
  const seconds = retryDelaySeconds(record.receiveCount, dependencies.config.retry, dependencies.random);
  try {
    await dependencies.delayRetry(record.receiptHandle, seconds);
  } catch (error) {
    // Without the longer visibility timeout the message comes back after the queue's default.
    logger.warn('Could not postpone a retry', { message_id: record.messageId, error: (error as Error).message });
  }
  failures.push({ itemIdentifier: record.messageId });
  counts.retry_later += 1;
}
