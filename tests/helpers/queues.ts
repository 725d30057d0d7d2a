import { DeleteMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CapturedRequest } from '../../lib/queue/captured-request';
import { receiveQueuedRequests, releaseQueuedRequests, type QueuedRequest } from '../../lib/queue/queue-reader';

/** Reads every message of a queue and makes them visible again. */
export async function readQueue(client: SQSClient, queueUrl: string): Promise<QueuedRequest[]> {
  const messages = await receiveQueuedRequests(client, queueUrl, { visibilityTimeoutSeconds: 60 });
  await releaseQueuedRequests(client, queueUrl, messages);
  return messages;
}

/** Reads the captured requests of a queue. */
export async function readCaptured(client: SQSClient, queueUrl: string): Promise<CapturedRequest[]> {
  const messages = await readQueue(client, queueUrl);
  return messages.map((message) => {
    if (message.captured === undefined) throw new Error(`Unreadable queue message: ${message.unreadable}`);
    return message.captured;
  });
}

/** Deletes every visible message of a queue (SQS allows one PurgeQueue a minute, too few for tests). */
export async function emptyQueue(client: SQSClient, queueUrl: string): Promise<void> {
  const messages = await receiveQueuedRequests(client, queueUrl, { visibilityTimeoutSeconds: 60 });
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((message, index) => ({ Id: String(index), ReceiptHandle: message.receiptHandle })),
      }),
    );
  }
}
