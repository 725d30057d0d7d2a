import { QueueSendError } from '../errors';
import { logger } from '../logger';
import type { CapturedRequest } from './captured-request';
import type { RequestQueue } from './request-queue';

/** The queues a failed request can go to. */
export interface FailureQueues {
  deadLetterQueue: RequestQueue;
  /** Absent when no retry queue is configured; transient failures then go to the dead-letter queue. */
  retryQueue?: RequestQueue;
}

/** Queue that kept a failed request. */
export type KeptIn = 'retry_queue' | 'dead_letter_queue';

/**
 * Keeps a failed request: transient failures in the retry queue, permanent ones (and transient ones
 * the retry queue does not take) in the dead-letter queue.
 *
 * @throws QueueSendError when the dead-letter queue does not take the request either.
 */
export async function keepFailedRequest(captured: CapturedRequest, queues: FailureQueues): Promise<KeptIn> {
  if (captured.failure?.permanent === false && queues.retryQueue !== undefined) {
    try {
      await queues.retryQueue.send(captured);
      return 'retry_queue';
    } catch (error) {
      if (!(error instanceof QueueSendError)) throw error;
      logger.warn('Retry queue did not take the request; keeping it in the dead-letter queue', {
        request_id: captured.request_id,
        queue: error.queueUrl,
        error: error.message,
      });
    }
  }
  await queues.deadLetterQueue.send(captured);
  return 'dead_letter_queue';
}
