import { loadConfig } from '../config';
import { ConfigurationError } from '../errors';
import { MixpanelImportClient } from '../mixpanel/import-client';
import type { PipelineDependencies } from '../pipeline';
import { getSqsClient } from '../queue/sqs-client';
import { SqsRequestQueue, type RequestQueue } from '../queue/request-queue';

/**
 * What the webhook handler runs with, built once per cold start. With invalid configuration the
 * handler still authenticates requests and keeps them in the dead-letter queue when it can.
 */
export type WebhookRuntime =
  | { kind: 'ready'; webhookSecret: string | undefined; dependencies: PipelineDependencies }
  | { kind: 'misconfigured'; webhookSecret: string | undefined; error: ConfigurationError; deadLetterQueue: RequestQueue | undefined };

/** Builds the webhook runtime from environment variables. */
export function createWebhookRuntime(env: NodeJS.ProcessEnv = process.env): WebhookRuntime {
  const webhookSecret = env.WEBHOOK_SECRET || undefined;
  try {
    const config = loadConfig(env);
    if (config.deadLetterQueueUrl === undefined) throw new ConfigurationError('DEAD_LETTER_QUEUE_URL is not set');
    return {
      kind: 'ready',
      webhookSecret,
      dependencies: {
        config,
        importer: new MixpanelImportClient(config.mixpanel),
        deadLetterQueue: new SqsRequestQueue(getSqsClient(), config.deadLetterQueueUrl),
      },
    };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const queueUrl = env.DEAD_LETTER_QUEUE_URL;
    return {
      kind: 'misconfigured',
      webhookSecret,
      error,
      deadLetterQueue: queueUrl ? new SqsRequestQueue(getSqsClient(), queueUrl) : undefined,
    };
  }
}
