import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../lib/logger';
import { consumeRetryBatch, type RetryDependencies } from '../lib/retry/consume-retry-batch';
import { createRetryRuntime, readSqsRecord } from '../lib/retry/runtime';

// Time kept back from the invocation so failures can still be queued before Lambda stops it.
const QUEUE_RESERVE_MS = 5000;

let runtime: RetryDependencies | undefined;

/** Lambda entry point of the retry queue's SQS trigger (with partial batch responses). */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  runtime ??= createRetryRuntime();

  const deadline = Date.now() + context.getRemainingTimeInMillis() - QUEUE_RESERVE_MS;
  return consumeRetryBatch(event.Records.map(readSqsRecord), runtime, {
    deadline,
    requestTimeoutMs: runtime.config.mixpanel.batchRequestTimeoutMs,
  });
}
