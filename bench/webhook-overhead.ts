import { startLocalStack } from '../local/stack';
import { PROJECT_DIR, type ChildScripts } from './child-runner';
import { summarize, type Summary } from './stats';
import type { WebhookInput, WebhookOutput } from './webhook-child';

/** Target: the handler adds at most this many ms at p99 to the endpoint's own time. */
export const WEBHOOK_P99_TARGET_MS = 5;

const WARMUP_REQUESTS = 300;
const RUNS = 5;
const REQUESTS_PER_RUN = 1_000;
const SECRET = 'bench-webhook-secret';

/** Result of the webhook overhead benchmark, each figure summarised over the runs. */
export interface WebhookBenchmark {
  requestsPerRun: number;
  handlerP50: Summary;
  handlerP99: Summary;
  endpointP50: Summary;
  endpointP99: Summary;
  overheadP50: Summary;
  overheadP99: Summary;
  /** CPU time of the handler's process per webhook, all threads: its own work, without waiting. */
  cpuP50: Summary;
  cpuP99: Summary;
  gcPauses: Summary;
  gcPauseP50: Summary;
  /** Share of webhooks that a garbage collection pause touched. */
  gcTouchedShare: Summary;
  overheadP99WithoutGc: Summary;
}

/**
 * Sends webhooks one at a time through the bundled handler, as warm Lambda invocations. The
 * handler runs in a child process with a deployment's environment and log level. The local stack
 * (SQS and the local Mixpanel endpoint) runs in this process.
 *
 * @throws Error when a webhook is not imported, so a broken run never reaches the page.
 */
export async function runWebhookBenchmark(children: ChildScripts, handlerFile: string): Promise<WebhookBenchmark> {
  const stack = await startLocalStack({});
  try {
    const input: WebhookInput = { projectDir: PROJECT_DIR, handlerFile, secret: SECRET, warmupRequests: WARMUP_REQUESTS, runs: RUNS, requestsPerRun: REQUESTS_PER_RUN };
    const output = await children.run<WebhookOutput>('webhook-child', input, {
      nodeArgs: ['--enable-source-maps'],
      env: { ...stack.environment, WEBHOOK_SECRET: SECRET, POWERTOOLS_SERVICE_NAME: 'branch-to-mixpanel', POWERTOOLS_LOG_LEVEL: 'INFO' },
      timeoutMs: 300_000,
    });

    const imported = stack.mixpanel!.requests.filter((record) => record.status === 200).length;
    if (output.failures > 0 || imported !== output.requests || output.fetchCalls !== 1) {
      throw new Error(
        `Webhook benchmark run is invalid: ${output.failures} handler responses were not 200, the endpoint returned 200 to ${imported} of ${output.requests} imports, and the handler made ${output.fetchCalls} fetch calls per webhook (expected 1)`,
      );
    }
    return {
      requestsPerRun: REQUESTS_PER_RUN,
      handlerP50: summarize(output.runs.map((run) => run.handlerP50)),
      handlerP99: summarize(output.runs.map((run) => run.handlerP99)),
      endpointP50: summarize(output.runs.map((run) => run.endpointP50)),
      endpointP99: summarize(output.runs.map((run) => run.endpointP99)),
      overheadP50: summarize(output.runs.map((run) => run.overheadP50)),
      overheadP99: summarize(output.runs.map((run) => run.overheadP99)),
      cpuP50: summarize(output.runs.map((run) => run.cpuP50)),
      cpuP99: summarize(output.runs.map((run) => run.cpuP99)),
      gcPauses: summarize(output.runs.map((run) => run.gcPauses)),
      gcPauseP50: summarize(output.runs.map((run) => run.gcPauseP50)),
      gcTouchedShare: summarize(output.runs.map((run) => run.gcTouchedShare)),
      overheadP99WithoutGc: summarize(output.runs.map((run) => run.overheadP99WithoutGc)),
    };
  } finally {
    await stack.close();
  }
}
