import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { CAPTURED_REQUEST_VERSION, type CapturedRequest } from './captured-request';

/** One queued message with its captured request, or the reason it could not be read. */
export interface QueuedRequest {
  messageId: string;
  receiptHandle: string;
  /** When SQS first received the message, epoch milliseconds. */
  sentAt: number | undefined;
  receiveCount: number;
  captured: CapturedRequest | undefined;
  /** Reason the body is not a captured request, when it is not. */
  unreadable?: string;
  rawBody: string;
}

// SQS samples a subset of its servers per receive, so one empty response does not prove the queue is
// empty: stop after two empty responses with no visible message left, or after ten in any case.
const MAX_EMPTY_RECEIVES = 10;

/** Options of {@link receiveQueuedRequests}. */
export interface ReceiveOptions {
  /** Stop after this many messages. */
  limit?: number;
  /** Seconds the received messages stay hidden from other consumers while they are looked at. */
  visibilityTimeoutSeconds?: number;
}

/**
 * Receives every message of a queue (up to `limit`) without deleting any. Messages stay hidden for
 * the visibility timeout, which is what keeps SQS from returning the same message twice; call
 * {@link releaseQueuedRequests} to make them visible again at once.
 */
export async function receiveQueuedRequests(client: SQSClient, queueUrl: string, options: ReceiveOptions = {}): Promise<QueuedRequest[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const received = new Map<string, QueuedRequest>();
  let emptyReceives = 0;

  while (received.size < limit) {
    const response = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: Math.min(10, limit - received.size),
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
        WaitTimeSeconds: 0,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
      }),
    );
    const messages = response.Messages ?? [];
    if (messages.length === 0) {
      emptyReceives += 1;
      if (emptyReceives >= MAX_EMPTY_RECEIVES) break;
      if (emptyReceives >= 2 && (await countVisibleMessages(client, queueUrl)) === 0) break;
      continue;
    }
    emptyReceives = 0;
    for (const message of messages) {
      if (message.MessageId !== undefined && !received.has(message.MessageId)) received.set(message.MessageId, readMessage(message));
    }
  }
  return [...received.values()];
}

/** Makes received messages visible again at once. */
export async function releaseQueuedRequests(client: SQSClient, queueUrl: string, requests: readonly QueuedRequest[]): Promise<void> {
  for (let start = 0; start < requests.length; start += 10) {
    const batch = requests.slice(start, start + 10);
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((request, index) => ({ Id: String(index), ReceiptHandle: request.receiptHandle, VisibilityTimeout: 0 })),
      }),
    );
  }
}

/** Reads every message of a queue (up to `limit`) and makes them visible again, leaving the queue as it was. */
export async function peekQueuedRequests(client: SQSClient, queueUrl: string, options: ReceiveOptions = {}): Promise<QueuedRequest[]> {
  const requests = await receiveQueuedRequests(client, queueUrl, { visibilityTimeoutSeconds: 30, ...options });
  await releaseQueuedRequests(client, queueUrl, requests);
  return requests;
}

/**
 * Deletes received messages by receipt handle, in batches of ten (SQS's maximum).
 *
 * @throws Error naming the queue and SQS's reasons when SQS does not delete some of them.
 */
export async function deleteQueuedMessages(client: SQSClient, queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
  for (let start = 0; start < receiptHandles.length; start += 10) {
    const batch = receiptHandles.slice(start, start + 10);
    const response = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((receiptHandle, index) => ({ Id: String(index), ReceiptHandle: receiptHandle })),
      }),
    );
    if (response.Failed !== undefined && response.Failed.length > 0) {
      const reasons = response.Failed.map((failure) => failure.Message ?? failure.Code).join('; ');
      throw new Error(`SQS did not delete ${response.Failed.length} message(s) from ${queueUrl}: ${reasons}`);
    }
  }
}

/** Returns SQS's approximate count of messages that are visible now. */
export async function countVisibleMessages(client: SQSClient, queueUrl: string): Promise<number> {
  const response = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  return Number(response.Attributes?.ApproximateNumberOfMessages ?? 0);
}

function readMessage(message: Message): QueuedRequest {
  const rawBody = message.Body ?? '';
  const base = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    sentAt: message.Attributes?.SentTimestamp === undefined ? undefined : Number(message.Attributes.SentTimestamp),
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    rawBody,
  };
  try {
    const parsed = JSON.parse(rawBody) as Partial<CapturedRequest>;
    if (parsed.version !== CAPTURED_REQUEST_VERSION || typeof parsed.body !== 'string' || typeof parsed.received_at !== 'string') {
      return { ...base, captured: undefined, unreadable: `not a captured request of version ${CAPTURED_REQUEST_VERSION}` };
    }
    return { ...base, captured: parsed as CapturedRequest };
  } catch (error) {
    return { ...base, captured: undefined, unreadable: `body is not JSON: ${(error as Error).message}` };
  }
}
