import { CAPTURED_REQUEST_VERSION, type CapturedRequest } from '../queue/captured-request';

/** Fields of an SQS message the retry consumer reads, whichever API delivered it. */
export interface RetryMessage {
  messageId: string;
  body: string;
  /** How many times SQS has delivered the message, this time included. */
  receiveCount: number;
  /** When SQS first received the message, epoch milliseconds. */
  sentAt: number;
}

/**
 * Reads a retry-queue message into its captured request. A body that is not a captured request is
 * wrapped in one whose failure records that, so it can still be kept in the dead-letter queue.
 */
export function readRetryMessage(message: RetryMessage, now: number): CapturedRequest {
  let parsed: Partial<CapturedRequest> | undefined;
  try {
    parsed = JSON.parse(message.body) as Partial<CapturedRequest>;
  } catch {
    parsed = undefined;
  }
  if (parsed?.version === CAPTURED_REQUEST_VERSION && typeof parsed.body === 'string' && typeof parsed.received_at === 'string') {
    const captured = parsed as CapturedRequest;
    // The message body was written before the first retry; each SQS receive is one more attempt.
    captured.attempts = (captured.attempts ?? 0) + message.receiveCount - 1;
    return captured;
  }

  return {
    version: CAPTURED_REQUEST_VERSION,
    request_id: message.messageId,
    received_at: new Date(message.sentAt).toISOString(),
    method: 'SQS',
    path: '',
    query: {},
    headers: {},
    body: message.body,
    body_encoding: 'utf8',
    attempts: message.receiveCount,
    failure: {
      stage: 'parse',
      permanent: true,
      reason: 'invalid_queue_message',
      message: `Retry queue message ${message.messageId} is not a captured request of version ${CAPTURED_REQUEST_VERSION}`,
      failed_at: new Date(now).toISOString(),
    },
  };
}
