import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { captureRequest } from '../../lib/queue/captured-request';
import { SqsRequestQueue } from '../../lib/queue/request-queue';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { CORPUS_DIR, readCorpus } from '../helpers/corpus';

const run = promisify(execFile);
const projectDir = resolve(__dirname, '..', '..');
const bin = join(projectDir, 'bin', 'branch-to-mixpanel.js');

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: projectDir, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('cli transform', () => {
  it('prints the Mixpanel events of a body', async () => {
    const result = await cli(['transform', join(CORPUS_DIR, 'legacy-open-seed-example.json'), '--received-at', '2024-06-01T00:00:00Z']);

    expect(result.code).toBe(0);
    const events = JSON.parse(result.stdout);
    expect(events).toHaveLength(1);
    expect(events[0].event).toBe('[Branch] open');
    expect(events[0].properties.time).toBe(Date.parse('2024-06-01T00:00:00Z'));
  });

  it('applies the event name prefix from the environment', async () => {
    const result = await cli(['transform', join(CORPUS_DIR, 'v2-reinstall-android.json')], { EVENT_NAME_PREFIX: 'Branch: ' });

    expect(JSON.parse(result.stdout)[0].event).toBe('Branch: reinstall');
  });

  it('reports a missing file with exit code 1', async () => {
    const result = await cli(['transform', join(projectDir, 'package.json.missing')]);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('package.json.missing');
  });

  it('rejects an invalid receive time', async () => {
    const result = await cli(['transform', join(CORPUS_DIR, 'legacy-open-seed-example.json'), '--received-at', 'yesterday']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"yesterday"');
  });

  it('prints usage for an unknown command', async () => {
    const result = await cli(['frobnicate']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: branch-to-mixpanel');
  });
});

describe('cli dlq list', () => {
  let stack: LocalStack;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = await startLocalStack({ localMixpanel: false });
    env = { ...stack.environment };
    const queue = new SqsRequestQueue(stack.sqs.client, stack.deadLetterQueueUrl);
    const captured = captureRequest({
      requestId: 'request-dlq-1',
      receivedAt: new Date('2024-06-01T12:00:00.000Z'),
      method: 'POST',
      path: '/webhooks/branch',
      query: {},
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(readCorpus('v2-install-ios-paid-click.json')),
    });
    captured.failure = {
      stage: 'import',
      permanent: false,
      reason: 'mixpanel_server_error',
      message: 'Mixpanel answered 500: 1',
      failed_at: '2024-06-01T12:00:01.000Z',
      event_name: '[Branch] install',
    };
    await queue.send(captured);
  });

  afterAll(async () => {
    await stack.close();
  });

  it('lists messages as JSON', async () => {
    const result = await cli(['dlq', 'list', '--json'], env);

    expect(result.code).toBe(0);
    const [message] = JSON.parse(result.stdout);
    expect(message).toMatchObject({ reason: 'mixpanel_server_error', event_name: '[Branch] install', request_id: 'request-dlq-1' });
    expect(message.received_at).toBe('2024-06-01T12:00:00.000Z');
  });

  it('lists messages as a table and leaves them queued', async () => {
    const result = await cli(['dlq', 'list'], env);

    expect(result.stdout).toContain('mixpanel_server_error');
    expect(result.stdout).toContain('1 message(s)');
  });
});
