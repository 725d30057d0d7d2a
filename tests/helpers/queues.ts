import type { SQSClient } from '@aws-sdk/client-sqs';
import type { CapturedRequest } from '../../lib/queue/captured-request';
import { deleteQueuedMessages, peekQueuedRequests, receiveQueuedRequests } from '../../lib/queue/queue-reader';

/** Reads the captured requests of a queue, leaving the messages in it. */
export async function readCaptured(client: SQSClient, queueUrl: string): Promise<CapturedRequest[]> {
  const messages = await peekQueuedRequests(client, queueUrl);
  return messages.map((message) => {
    if (message.captured === undefined) throw new Error(`Unreadable queue message: ${message.unreadable}`);
    return message.captured;
  });
}

/** Deletes every visible message of a queue (SQS allows one PurgeQueue a minute, too few for tests). */
export async function emptyQueue(client: SQSClient, queueUrl: string): Promise<void> {
  const messages = await receiveQueuedRequests(client, queueUrl, { visibilityTimeoutSeconds: 60 });
  await deleteQueuedMessages(
    client,
    queueUrl,
    messages.map((message) => message.receiptHandle),
  );
}
