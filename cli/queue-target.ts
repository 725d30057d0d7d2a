import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';

/** The queue a CLI command works on and the client to reach it. */
export interface QueueTarget {
  queueUrl: string;
  client: SQSClient;
  /** Source of the settings (a variable name or a file), for messages. */
  source: string;
  /** Variables that point the pipeline at the local stack's Mixpanel endpoint, when the local stack is used. */
  environment: Record<string, string>;
}

/**
 * Finds the dead-letter queue: `DEAD_LETTER_QUEUE_URL` (with `AWS_ENDPOINT_URL_SQS` and the usual
 * AWS credentials) when set, else the running local stack's `.local/stack.json`.
 *
 * @throws Error naming both ways to configure it when neither is there.
 */
export function resolveDeadLetterQueue(env: NodeJS.ProcessEnv = process.env, projectDir = process.cwd()): QueueTarget {
  const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  if (env.DEAD_LETTER_QUEUE_URL) {
    return { queueUrl: env.DEAD_LETTER_QUEUE_URL, client: new SQSClient({ region }), source: 'DEAD_LETTER_QUEUE_URL', environment: {} };
  }

  const stackFile = join(projectDir, '.local', 'stack.json');
  if (!existsSync(stackFile)) {
    throw new Error(`Set DEAD_LETTER_QUEUE_URL (and AWS credentials), or start the local stack with \`npm start\` so ${stackFile} exists`);
  }
  const stack = JSON.parse(readFileSync(stackFile, 'utf8')) as {
    dead_letter_queue_url?: string;
    sqs_endpoint?: string;
    local_mixpanel?: { api_url: string; project_token: string };
  };
  if (!stack.dead_letter_queue_url || !stack.sqs_endpoint) throw new Error(`${stackFile} has no dead_letter_queue_url or sqs_endpoint`);

  return {
    queueUrl: stack.dead_letter_queue_url,
    client: new SQSClient({
      region,
      endpoint: stack.sqs_endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
    source: stackFile,
    environment: {
      DEAD_LETTER_QUEUE_URL: stack.dead_letter_queue_url,
      ...(stack.local_mixpanel && !env.MIXPANEL_API_URL
        ? { MIXPANEL_API_URL: stack.local_mixpanel.api_url, MIXPANEL_PROJECT_TOKEN: stack.local_mixpanel.project_token }
        : {}),
    },
  };
}
