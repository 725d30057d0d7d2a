import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startRetryPoller } from './retry-poller';
import { LOCAL_PROJECT_TOKEN, startLocalStack } from './stack';

// Runs the whole main job on this machine with no AWS account: the embedded SQS server, the local
// Mixpanel endpoint (unless a real one is configured) and the webhook function behind
// `serverless offline`, all on 127.0.0.1.

const projectDir = resolve(__dirname, '..');
const stateDir = join(projectDir, '.local');
const httpPort = Number(process.env.PORT ?? 3000);
const webhookSecret = process.env.WEBHOOK_SECRET || 'local-dev-secret';
const usesOtherMixpanel = Boolean(
  process.env.MIXPANEL_API_URL || process.env.MIXPANEL_PROJECT_TOKEN || process.env.MIXPANEL_SERVICE_ACCOUNT_USERNAME,
);

async function main(): Promise<void> {
  mkdirSync(stateDir, { recursive: true });
  // Each run starts a new record, so the file shows exactly what this run's Mixpanel endpoint received.
  rmSync(join(stateDir, 'mixpanel-received.ndjson'), { force: true });
  const stack = await startLocalStack({
    sqsPort: Number(process.env.SQS_PORT ?? 9324),
    mixpanelPort: Number(process.env.MIXPANEL_PORT ?? 9325),
    stateDir,
    localMixpanel: !usesOtherMixpanel,
    log: (line) => console.log(line),
  });

  const webhookUrl = `http://127.0.0.1:${httpPort}/webhooks/branch`;
  writeFileSync(
    join(stateDir, 'stack.json'),
    `${JSON.stringify(
      {
        webhook_url: webhookUrl,
        sqs_endpoint: stack.sqs.endpoint,
        dead_letter_queue_url: stack.deadLetterQueueUrl,
        retry_queue_url: stack.retryQueueUrl,
        mixpanel_api_url: stack.mixpanel?.url ?? process.env.MIXPANEL_API_URL ?? 'mixpanel (from credentials)',
        mixpanel_record_file: stack.mixpanel ? join(stateDir, 'mixpanel-received.ndjson') : undefined,
        local_mixpanel: stack.mixpanel ? { api_url: stack.mixpanel.url, project_token: LOCAL_PROJECT_TOKEN } : undefined,
      },
      null,
      2,
    )}\n`,
  );

  // The local retry delays are short so a demo heals within seconds; deployments default to 30 s.
  const functionEnvironment = {
    RETRY_BASE_DELAY_SECONDS: '5',
    RETRY_MAX_DELAY_SECONDS: '60',
    ...process.env,
    ...stack.environment,
    WEBHOOK_SECRET: webhookSecret,
  };
  // Lambda's SQS trigger does not run under serverless offline, so the retry function is polled here.
  Object.assign(process.env, functionEnvironment);
  const { handler: retryHandler } = await import('../handlers/retry');
  const poller = startRetryPoller({
    client: stack.sqs.client,
    queueUrl: stack.retryQueueUrl,
    handler: retryHandler,
    log: (line) => console.log(line),
  });

  const offline = spawn(join(projectDir, 'node_modules', '.bin', 'serverless'), ['offline', 'start', '--stage', 'local'], {
    cwd: projectDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...functionEnvironment, PORT: String(httpPort) },
  });

  void waitForHttp(`http://127.0.0.1:${httpPort}/`, 120_000).then(
    () => announce(webhookUrl, stack.mixpanel?.url),
    (error: Error) => console.error(error.message),
  );

  const stop = async (code: number) => {
    offline.kill('SIGTERM');
    await poller.stop();
    await stack.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  offline.on('exit', (code) => {
    console.error(`serverless offline exited with code ${code ?? 'null'}`);
    void stop(code ?? 1);
  });
}

// serverless offline prints its banner on stderr; polling the port is the reliable readiness signal.
async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`serverless offline did not respond on ${url} within ${timeoutMs / 1000} s`);
}

function announce(webhookUrl: string, mixpanelUrl: string | undefined): void {
  const example = 'examples/branch/v2-install-ios-paid-click.json';
  console.log(
    [
      '',
      `Branch webhook:  POST ${webhookUrl}  (secret: x-webhook-secret header or ?secret=)`,
      mixpanelUrl
        ? `Local Mixpanel:  ${mixpanelUrl}/import  (events also in .local/mixpanel-received.ndjson)`
        : 'Mixpanel:        the configured endpoint',
      'Queues and URLs: .local/stack.json    Dead-letter queue: npx branch-to-mixpanel dlq list',
      '',
      'Try it:',
      `  curl -s -X POST '${webhookUrl}' -H 'content-type: application/json' -H 'x-webhook-secret: ${webhookSecret}' --data-binary @${example}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(`Local stack failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
