import { handler } from '../../handlers/webhook';
import { startLocalStack, type LocalStack } from '../../local/stack';
import type { MixpanelServer } from '../../local/mixpanel-server';
import { httpApiEvent, restApiEvent } from '../helpers/api-gateway';
import { readCorpus } from '../helpers/corpus';
import { LogCapture } from '../helpers/logs';
import { emptyQueue, readCaptured } from '../helpers/queues';

const SECRET = 'test-webhook-secret-5f2b';
const INSTALL = readCorpus('v2-install-ios-paid-click.json');
const LEGACY_OPEN = readCorpus('legacy-open-seed-example.json');

let stack: LocalStack;
let mixpanel: MixpanelServer;
const logs = new LogCapture();

beforeAll(async () => {
  stack = await startLocalStack();
  mixpanel = stack.mixpanel!;
  Object.assign(process.env, stack.environment, {
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_DEADLINE_MS: '900',
    MIXPANEL_TIMEOUT_MS: '400',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  });
});

afterAll(async () => {
  await stack.close();
});

beforeEach(async () => {
  mixpanel.reset();
  await emptyQueue(stack.sqs.client, stack.deadLetterQueueUrl);
  await emptyQueue(stack.sqs.client, stack.retryQueueUrl);
  logs.start();
});

afterEach(() => logs.stop());

async function post(body: string, options: { headers?: Record<string, string>; query?: Record<string, string>; base64?: boolean } = {}) {
  const response = await handler(httpApiEvent({ body, headers: { 'x-webhook-secret': SECRET, ...options.headers }, ...options }));
  return { statusCode: response.statusCode, body: JSON.parse(response.body) as Record<string, unknown> };
}

function deadLetters() {
  return readCaptured(stack.sqs.client, stack.deadLetterQueueUrl);
}

function retries() {
  return readCaptured(stack.sqs.client, stack.retryQueueUrl);
}

describe('webhook handler', () => {
  it('imports a current-format install', async () => {
    const response = await post(INSTALL);

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('imported');
    expect(mixpanel.received).toHaveLength(1);
    expect(mixpanel.received[0]!.event).toBe('[Branch] install');
    expect(mixpanel.received[0]!.properties.$device_id).toBe('2B7A9C1D-4E5F-4A6B-8C9D-0E1F2A3B4C5D');
    expect(await deadLetters()).toHaveLength(0);
  });

  it('sends gzip, strict mode and the project token', async () => {
    await post(INSTALL);

    const [request] = mixpanel.requests;
    expect(request!.gzip).toBe(true);
    expect(request!.query.strict).toBe('1');
    expect(request!.status).toBe(200);
  });

  it('imports a legacy open with receive time', async () => {
    const before = Date.now();
    const response = await post(LEGACY_OPEN);

    expect(response.statusCode).toBe(200);
    const time = mixpanel.received[0]!.properties.time as number;
    expect(time).toBeGreaterThanOrEqual(before - 1000);
    expect(time).toBeLessThanOrEqual(Date.now());
  });

  it('accepts the secret as a query parameter', async () => {
    const response = await handler(httpApiEvent({ body: INSTALL, query: { secret: SECRET } }));

    expect(response.statusCode).toBe(200);
  });

  it('decodes a base64 body', async () => {
    const response = await post(INSTALL, { base64: true });

    expect(response.statusCode).toBe(200);
    expect(mixpanel.received).toHaveLength(1);
  });

  it('accepts a REST API event', async () => {
    const response = await handler(restApiEvent({ body: INSTALL, headers: { 'X-Webhook-Secret': SECRET } }));

    expect(response.statusCode).toBe(200);
    expect(mixpanel.received).toHaveLength(1);
  });

  it('rejects a wrong secret without queueing', async () => {
    const response = await handler(httpApiEvent({ body: INSTALL, headers: { 'x-webhook-secret': 'wrong-value-91ac' } }));

    expect(response.statusCode).toBe(401);
    expect(mixpanel.requests).toHaveLength(0);
    expect(await deadLetters()).toHaveLength(0);
    expect(logs.text()).not.toContain('wrong-value-91ac');
    expect(logs.entries().some((entry) => entry.reason === 'wrong_secret')).toBe(true);
  });

  it('rejects a missing secret', async () => {
    const response = await handler(httpApiEvent({ body: INSTALL }));

    expect(response.statusCode).toBe(401);
    expect(await deadLetters()).toHaveLength(0);
  });

  it('dead-letters invalid JSON with its reason', async () => {
    const response = await post('{"name": "INSTALL",');

    expect(response.statusCode).toBe(400);
    expect(response.body).toMatchObject({ status: 'dead_lettered', reason: 'invalid_json' });
    const [captured] = await deadLetters();
    expect(captured!.body).toBe('{"name": "INSTALL",');
    expect(captured!.failure).toMatchObject({ stage: 'parse', permanent: true, reason: 'invalid_json' });
  });

  it('queues for retry on Mixpanel 500', async () => {
    mixpanel.injectFault({ status: 500, body: '1' });

    const response = await post(INSTALL);

    expect(response.statusCode).toBe(202);
    expect(response.body).toMatchObject({ status: 'queued_for_retry', reason: 'mixpanel_server_error' });
    const [captured] = await retries();
    expect(captured!.body).toBe(INSTALL);
    expect(captured!.attempts).toBe(1);
    expect(captured!.failure).toMatchObject({ stage: 'import', permanent: false, http_status: 500, event_name: '[Branch] install' });
    expect(await deadLetters()).toHaveLength(0);
  });

  it('queues for retry when Mixpanel hangs past the timeout', async () => {
    mixpanel.injectFault({ hang: true });

    const response = await post(INSTALL);

    expect(response.body).toMatchObject({ status: 'queued_for_retry', reason: 'mixpanel_timeout' });
    const [captured] = await retries();
    expect(captured!.failure!.reason).toBe('mixpanel_timeout');
  });

  it('queues for retry on Mixpanel 429', async () => {
    mixpanel.injectFault({ status: 429, body: '{"code":429,"error":"rate limited","status":"Too Many Requests"}', contentType: 'application/json' });

    const response = await post(INSTALL);

    expect(response.body).toMatchObject({ status: 'queued_for_retry', reason: 'mixpanel_rate_limited' });
    expect(await retries()).toHaveLength(1);
  });

  it('dead-letters events Mixpanel rejects with failed_records', async () => {
    mixpanel.injectFault({ rejectIndexes: [0] });

    const response = await post(INSTALL);

    expect(response.statusCode).toBe(202);
    const [captured] = await deadLetters();
    expect(captured!.failure).toMatchObject({ stage: 'import', permanent: true, http_status: 400 });
    expect(captured!.failure!.failed_records).toHaveLength(1);
  });

  it('keeps the secret out of queue messages and logs', async () => {
    mixpanel.injectFault({ status: 503, body: 'unavailable' });

    await handler(httpApiEvent({ body: INSTALL, query: { secret: SECRET, source: 'branch' } }));

    const [captured] = await retries();
    expect(captured!.query).toEqual({ source: 'branch' });
    expect(JSON.stringify(captured)).not.toContain(SECRET);
    expect(logs.text()).not.toContain(SECRET);
  });

  it('logs one summary line per request', async () => {
    await post(INSTALL);

    const summaries = logs.entries().filter((entry) => entry.message === 'Webhook imported');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]!.branch_event).toBe('[Branch] install');
  });
});
