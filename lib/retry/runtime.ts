import type { SQSRecord } from 'aws-lambda';
import { loadConfig } from '../config';
import { ConfigurationError } from '../errors';
import { MixpanelImportClient } from '../mixpanel/import-client';
import { getSqsClient, loadSqsModule } from '../queue/sqs-client';
import { SqsRequestQueue } from '../queue/request-queue';
import type { RetryDependencies, RetryRecord } from './consume-retry-batch';

/**
 * Builds the retry consumer's dependencies from environment variables.
 *
 * @throws ConfigurationError when Mixpanel or either queue is not configured; Lambda then retries the
 *   batch and, after the allowed receives, SQS moves the messages to the dead-letter queue.
 */
export function createRetryRuntime(env: NodeJS.ProcessEnv = process.env): RetryDependencies {
  const config = loadConfig(env);
  const { deadLetterQueueUrl, retryQueueUrl } = config;
  if (deadLetterQueueUrl === undefined || retryQueueUrl === undefined) {
    throw new ConfigurationError('The retry consumer needs DEAD_LETTER_QUEUE_URL and RETRY_QUEUE_URL');
  }

  return {
    config,
    importer: new MixpanelImportClient(config.mixpanel, {}, config.mixpanel.client),
    deadLetterQueue: new SqsRequestQueue(getSqsClient, deadLetterQueueUrl),
    delayRetry: async (receiptHandle, seconds) => {
      const [client, { ChangeMessageVisibilityCommand }] = await Promise.all([getSqsClient(), loadSqsModule()]);
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: retryQueueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
    },
  };
}

/** Reads a Lambda SQS event record into a retry record. */
export function readSqsRecord(record: SQSRecord): RetryRecord {
  return {
    messageId: record.messageId,
    receiptHandle: record.receiptHandle,
    body: record.body,
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? 1),
    sentAt: Number(record.attributes.SentTimestamp ?? Date.now()),
  };
}
