import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deleteQueuedMessages } from '../lib/queue/queue-reader';

/** A function with the signature of the retry handler. */
export type RetryHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Options of {@link startRetryPoller}. */
export interface RetryPollerOptions {
  client: SQSClient;
  queueUrl: string;
  handler: RetryHandler;
  /** Maximum messages per invocation, as the trigger's `batchSize`. */
  batchSize?: number;
  /** Maximum wait to fill a batch, as the trigger's `maximumBatchingWindow`, in milliseconds. */
  batchWindowMs?: number;
  /** Time budget of one invocation, as the function timeout, in milliseconds. */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** A running poller. */
export interface RetryPoller {
  /** Stops polling after the invocation in progress. */
  stop(): Promise<void>;
}

/**
 * Emulates Lambda's SQS trigger for the local stack and tests: receives batches from the retry
 * queue, invokes the handler with an SQS event, and deletes the messages it did not report as
 * failures. Reported failures stay in flight until their visibility timeout ends, as on AWS.
 */
export function startRetryPoller(options: RetryPollerOptions): RetryPoller {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const count = await pollOnce(options);
        if (count === 0) await sleep(200);
      } catch (error) {
        options.log?.(`retry poller: ${(error as Error).message}`);
        await sleep(1000);
      }
    }
  })();

  return {
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Receives one batch, invokes the handler and deletes what succeeded; returns the batch size. */
export async function pollOnce(options: RetryPollerOptions): Promise<number> {
  const messages = await receiveBatch(options);
  if (messages.length === 0) return 0;

  const timeoutMs = options.timeoutMs ?? 60_000;
  const startedAt = Date.now();
  const event: SQSEvent = { Records: messages.map((message) => toRecord(message, options.queueUrl)) };
  const context = {
    awsRequestId: `local-retry-${startedAt}`,
    functionName: 'retry',
    getRemainingTimeInMillis: () => Math.max(0, timeoutMs - (Date.now() - startedAt)),
  } as unknown as Context;

  const response = await options.handler(event, context);
  const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  const succeeded = messages.filter((message) => !failed.has(message.MessageId ?? ''));
  await deleteQueuedMessages(
    options.client,
    options.queueUrl,
    succeeded.map((message) => message.ReceiptHandle ?? ''),
  );
  options.log?.(`retry poller: ${messages.length} message(s), ${failed.size} to retry later`);
  return messages.length;
}

async function receiveBatch(options: RetryPollerOptions): Promise<Message[]> {
  const batchSize = options.batchSize ?? 100;
  const windowEnds = Date.now() + (options.batchWindowMs ?? 500);
  const messages: Message[] = [];
  do {
    const response = await options.client.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, batchSize - messages.length),
        WaitTimeSeconds: messages.length === 0 ? 1 : 0,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    const received = response.Messages ?? [];
    messages.push(...received);
    if (received.length === 0 && messages.length > 0) break;
  } while (messages.length < batchSize && Date.now() < windowEnds);
  return messages;
}

function toRecord(message: Message, queueUrl: string): SQSRecord {
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: message.Attributes?.ApproximateReceiveCount ?? '1',
      SentTimestamp: message.Attributes?.SentTimestamp ?? String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queueUrl.split('/').pop()}`,
    awsRegion: 'us-east-1',
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
