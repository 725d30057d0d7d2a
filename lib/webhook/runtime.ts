import { loadConfig, type Config } from '../config';
import { ConfigurationError } from '../errors';
import { MixpanelImportClient } from '../mixpanel/import-client';
import type { EventImporter } from '../pipeline';
import type { FailureQueues } from '../queue/keep-failed-request';
import { getSqsClient } from '../queue/sqs-client';
import { SqsRequestQueue, type RequestQueue } from '../queue/request-queue';

/** Dependencies of the webhook pipeline. */
export interface WebhookDependencies {
  config: Config;
  importer: EventImporter;
  queues: FailureQueues;
  now?: () => number;
}

/**
 * Runtime state of the webhook handler, built once per cold start. With invalid configuration the
 * handler still authenticates requests and keeps them in the dead-letter queue when it can.
 */
export type WebhookRuntime =
  | { kind: 'ready'; webhookSecret: string | undefined; dependencies: WebhookDependencies }
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
        importer: new MixpanelImportClient(config.mixpanel, {}, config.mixpanel.client),
        queues: {
          deadLetterQueue: new SqsRequestQueue(getSqsClient, config.deadLetterQueueUrl),
          ...(config.retryQueueUrl ? { retryQueue: new SqsRequestQueue(getSqsClient, config.retryQueueUrl) } : {}),
        },
      },
    };
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const queueUrl = env.DEAD_LETTER_QUEUE_URL;
    return {
      kind: 'misconfigured',
      webhookSecret,
      error,
      deadLetterQueue: queueUrl ? new SqsRequestQueue(getSqsClient, queueUrl) : undefined,
    };
  }
}
