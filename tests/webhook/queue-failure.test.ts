import { loadConfig } from '../../lib/config';
import { ConfigurationError } from '../../lib/errors';
import { MixpanelImportClient } from '../../lib/mixpanel/import-client';
import { SqsRequestQueue } from '../../lib/queue/request-queue';
import { handleWebhook } from '../../lib/webhook/handle-webhook';
import type { WebhookRuntime } from '../../lib/webhook/runtime';
import { startMixpanelServer, type MixpanelServer } from '../../local/mixpanel-server';
import { createLocalSqsClient } from '../../local/sqs-server';
import { readCorpus } from '../helpers/corpus';
import { LogCapture } from '../helpers/logs';

const SECRET = 'queue-failure-secret';
const INSTALL = readCorpus('v2-install-ios-paid-click.json');
// Nothing listens on port 9 (discard) of the loopback address, so every SQS call fails fast.
const UNREACHABLE_SQS = 'http://127.0.0.1:9';
const UNREACHABLE_QUEUE = `${UNREACHABLE_SQS}/123456789012/missing-dead-letter`;

let mixpanel: MixpanelServer;
const logs = new LogCapture();

beforeAll(async () => {
  mixpanel = await startMixpanelServer();
});

afterAll(async () => {
  await mixpanel.close();
});

beforeEach(() => logs.start());
afterEach(() => logs.stop());

function request(body: string) {
  return {
    requestId: `queue-failure-${Math.random().toString(36).slice(2)}`,
    receivedAt: new Date(),
    method: 'POST',
    path: '/webhooks/branch',
    query: {},
    headers: { 'x-webhook-secret': SECRET, 'content-type': 'application/json' },
    body: Buffer.from(body),
  };
}

function unreachableQueue() {
  return new SqsRequestQueue(createLocalSqsClient(UNREACHABLE_SQS), UNREACHABLE_QUEUE);
}

describe('webhook without a reachable dead-letter queue', () => {
  it('logs the whole request and answers 500', async () => {
    const config = loadConfig({
      WEBHOOK_SECRET: SECRET,
      MIXPANEL_API_URL: mixpanel.url,
      MIXPANEL_PROJECT_TOKEN: 'token',
      DEAD_LETTER_QUEUE_URL: UNREACHABLE_QUEUE,
    });
    const runtime: WebhookRuntime = {
      kind: 'ready',
      webhookSecret: SECRET,
      dependencies: { config, importer: new MixpanelImportClient(config.mixpanel), queues: { deadLetterQueue: unreachableQueue() } },
    };
    mixpanel.injectFault({ status: 500, body: '1' });

    const response = await handleWebhook(request(INSTALL), runtime);

    expect(response.statusCode).toBe(500);
    const entry = logs.entries().find((line) => line.level === 'ERROR' && line.captured_request !== undefined);
    expect(entry).toBeDefined();
    expect((entry!.captured_request as { body: string }).body).toBe(INSTALL);
    expect(logs.text()).not.toContain(SECRET);
  });
});

describe('webhook with invalid configuration', () => {
  it('answers 500 when the secret is not configured', async () => {
    const runtime: WebhookRuntime = {
      kind: 'misconfigured',
      webhookSecret: undefined,
      error: new ConfigurationError('WEBHOOK_SECRET is missing'),
      deadLetterQueue: undefined,
    };

    const response = await handleWebhook(request(INSTALL), runtime);

    expect(response.statusCode).toBe(500);
  });

  it('logs the request when neither Mixpanel nor the queue is configured', async () => {
    const runtime: WebhookRuntime = {
      kind: 'misconfigured',
      webhookSecret: SECRET,
      error: new ConfigurationError('Missing Mixpanel credentials'),
      deadLetterQueue: unreachableQueue(),
    };

    const response = await handleWebhook(request(INSTALL), runtime);

    expect(response.statusCode).toBe(500);
    expect(logs.entries().some((line) => line.captured_request !== undefined)).toBe(true);
  });
});
