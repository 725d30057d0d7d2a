import { join } from 'node:path';
import { startMixpanelServer, type MixpanelServer, type MixpanelServerOptions } from './mixpanel-server';
import { createQueue, readQueueArn, startSqsServer, type LocalSqsServer } from './sqs-server';

/** Name of the local dead-letter queue. */
export const LOCAL_DEAD_LETTER_QUEUE = 'branch-to-mixpanel-local-dead-letter';

/** Name of the local retry queue. */
export const LOCAL_RETRY_QUEUE = 'branch-to-mixpanel-local-retry';

/** Project token the local Mixpanel endpoint expects when no real credentials are set. */
export const LOCAL_PROJECT_TOKEN = 'local-project-token';

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Port of the SQS-compatible server; 0 picks a free one. */
  sqsPort?: number;
  /** Port of the local Mixpanel endpoint; 0 picks a free one. */
  mixpanelPort?: number;
  /** Folder for the local Mixpanel record file. */
  stateDir?: string;
  /** Start the local Mixpanel endpoint; false when a real Mixpanel or another endpoint is configured. */
  localMixpanel?: boolean;
  /** Sink of the local Mixpanel endpoint's lines, one per received event. */
  log?: (line: string) => void;
  /** Receives after which the retry queue moves a message to the dead-letter queue. */
  maxReceives?: number;
  /** Scripted faults of the local Mixpanel endpoint, by request number. */
  mixpanelFaultPlan?: MixpanelServerOptions['faultPlan'];
}

/** The running parts of the local stack and the environment that points the functions at them. */
export interface LocalStack {
  sqs: LocalSqsServer;
  mixpanel: MixpanelServer | undefined;
  deadLetterQueueUrl: string;
  retryQueueUrl: string;
  /** Variables that point the handlers (and the CLI) at the local services. */
  environment: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the embedded SQS server with its queues and, unless `localMixpanel` is false, the local Mixpanel endpoint. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const sqs = await startSqsServer(options.sqsPort ?? 0);
  let mixpanel: MixpanelServer | undefined;
  try {
    const deadLetterQueueUrl = await createQueue(sqs.client, LOCAL_DEAD_LETTER_QUEUE);
    const maxReceives = options.maxReceives ?? 12;
    const retryQueueUrl = await createQueue(sqs.client, LOCAL_RETRY_QUEUE, {
      // Lambda's SQS trigger needs a visibility timeout of at least the function timeout (60 s).
      VisibilityTimeout: '360',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await readQueueArn(sqs.client, deadLetterQueueUrl), maxReceiveCount: maxReceives }),
    });
    if (options.localMixpanel !== false) {
      mixpanel = await startMixpanelServer({
        port: options.mixpanelPort ?? 0,
        recordFile: options.stateDir === undefined ? undefined : join(options.stateDir, 'mixpanel-received.ndjson'),
        log: options.log,
        faultPlan: options.mixpanelFaultPlan,
      });
    }

    const environment: Record<string, string> = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SQS: sqs.endpoint,
      DEAD_LETTER_QUEUE_URL: deadLetterQueueUrl,
      RETRY_QUEUE_URL: retryQueueUrl,
      RETRY_MAX_RECEIVES: String(maxReceives),
    };
    if (mixpanel !== undefined) {
      environment.MIXPANEL_API_URL = mixpanel.url;
      environment.MIXPANEL_PROJECT_TOKEN = LOCAL_PROJECT_TOKEN;
    }

    return {
      sqs,
      mixpanel,
      deadLetterQueueUrl,
      retryQueueUrl,
      environment,
      close: async () => {
        await mixpanel?.close();
        await sqs.close();
      },
    };
  } catch (error) {
    await mixpanel?.close();
    await sqs.close();
    throw error;
  }
}
