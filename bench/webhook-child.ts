import type { APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from 'aws-lambda';
import { createRequire } from 'node:module';
import { PerformanceObserver } from 'node:perf_hooks';
import { runChildWork } from './child-io';
import { readCorpusBodies } from './corpus';
import { buildApiGatewayEvent, buildLambdaContext } from './lambda-events';
import { quantile } from './stats';

/** Input of the webhook overhead child. */
export interface WebhookInput {
  projectDir: string;
  /** The bundled `handlers/webhook.js` from `serverless package`. */
  handlerFile: string;
  secret: string;
  warmupRequests: number;
  runs: number;
  requestsPerRun: number;
}

/** Percentiles of one run, in ms. */
export interface WebhookRun {
  handlerP50: number;
  handlerP99: number;
  /** Time of the handler's `/import` call to the local endpoint, from sending to the response headers. */
  endpointP50: number;
  endpointP99: number;
  /** Handler time minus its endpoint time, request by request. */
  overheadP50: number;
  overheadP99: number;
  /** CPU time (user and system, all threads) this process used per webhook. */
  cpuP50: number;
  cpuP99: number;
  /** Garbage collection pauses of the main thread during the run. */
  gcPauses: number;
  gcPauseP50: number;
  /** Share of webhooks during which a garbage collection pause began or ended. */
  gcTouchedShare: number;
  /** p99 overhead of the webhooks that no garbage collection pause touched. */
  overheadP99WithoutGc: number;
}

/** Result of the webhook overhead child. */
export interface WebhookOutput {
  runs: WebhookRun[];
  requests: number;
  /** Responses other than 200 (imported). A healthy run has none. */
  failures: number;
  /** Calls to `fetch` per webhook, expected to be 1: the `/import` request. */
  fetchCalls: number;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResult>;

interface Sample {
  startedAt: number;
  handlerMs: number;
  endpointMs: number;
  cpuMs: number;
}

interface Pause {
  start: number;
  end: number;
}

function describeRun(samples: readonly Sample[], pauses: readonly Pause[]): WebhookRun {
  const overhead = (sample: Sample) => sample.handlerMs - sample.endpointMs;
  const runStart = samples[0]!.startedAt;
  const last = samples.at(-1)!;
  const runPauses = pauses.filter((pause) => pause.start >= runStart && pause.start <= last.startedAt + last.handlerMs);
  const touched = (sample: Sample) => runPauses.some((pause) => pause.start < sample.startedAt + sample.handlerMs && pause.end > sample.startedAt);
  const untouched = samples.filter((sample) => !touched(sample));

  return {
    handlerP50: quantile(samples.map((sample) => sample.handlerMs), 0.5),
    handlerP99: quantile(samples.map((sample) => sample.handlerMs), 0.99),
    endpointP50: quantile(samples.map((sample) => sample.endpointMs), 0.5),
    endpointP99: quantile(samples.map((sample) => sample.endpointMs), 0.99),
    overheadP50: quantile(samples.map(overhead), 0.5),
    overheadP99: quantile(samples.map(overhead), 0.99),
    cpuP50: quantile(samples.map((sample) => sample.cpuMs), 0.5),
    cpuP99: quantile(samples.map((sample) => sample.cpuMs), 0.99),
    gcPauses: runPauses.length,
    gcPauseP50: runPauses.length === 0 ? 0 : quantile(runPauses.map((pause) => pause.end - pause.start), 0.5),
    gcTouchedShare: (samples.length - untouched.length) / samples.length,
    overheadP99WithoutGc: untouched.length === 0 ? Number.NaN : quantile(untouched.map(overhead), 0.99),
  };
}

async function measure(input: WebhookInput): Promise<WebhookOutput> {
  // Wrapped before the handler builds its Mixpanel client, which takes the global fetch then.
  const realFetch = globalThis.fetch;
  let endpointMs = 0;
  let fetchCalls = 0;
  globalThis.fetch = async (...args: Parameters<typeof fetch>) => {
    const startedAt = performance.now();
    fetchCalls += 1;
    try {
      return await realFetch(...args);
    } finally {
      endpointMs += performance.now() - startedAt;
    }
  };

  const { handler } = createRequire(__filename)(input.handlerFile) as { handler: Handler };
  const bodies = readCorpusBodies(input.projectDir);
  let sent = 0;
  let failures = 0;

  const pauses: Pause[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
  });
  observer.observe({ entryTypes: ['gc'] });

  const send = async (): Promise<Sample> => {
    const requestId = `bench-webhook-${sent}`;
    const event = buildApiGatewayEvent(bodies[sent % bodies.length]!, input.secret, requestId);
    const context = buildLambdaContext(requestId);
    sent += 1;
    endpointMs = 0;
    const cpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const response = await handler(event, context);
    const handlerMs = performance.now() - startedAt;
    const cpu = process.cpuUsage(cpuBefore);
    if (response.statusCode !== 200) failures += 1;
    return { startedAt, handlerMs, endpointMs, cpuMs: (cpu.user + cpu.system) / 1000 };
  };

  for (let index = 0; index < input.warmupRequests; index += 1) await send();

  const runs: WebhookRun[] = [];
  for (let run = 0; run < input.runs; run += 1) {
    const samples: Sample[] = [];
    for (let index = 0; index < input.requestsPerRun; index += 1) samples.push(await send());
    // The observer receives entries in a later task, so the last pauses of the run need a moment.
    await new Promise((resolve) => setTimeout(resolve, 20));
    runs.push(describeRun(samples, pauses));
  }
  observer.disconnect();
  return { runs, requests: sent, failures, fetchCalls: fetchCalls / sent };
}

runChildWork(measure);
