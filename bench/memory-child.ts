import { loadConfig } from '../lib/config';
import { redriveDeadLetters } from '../lib/dead-letter/redrive';
import { MixpanelImportClient } from '../lib/mixpanel/import-client';
import { getSqsClient } from '../lib/queue/sqs-client';
import { SqsRequestQueue } from '../lib/queue/request-queue';
import { readPeakRssMiB, runChildWork } from './child-io';
import { buildEvents, readCorpusBodies } from './corpus';

/** Input of the memory child. The Mixpanel and SQS settings come from the environment, as in Lambda. */
export type MemoryInput = { mode: 'import'; projectDir: string; events: number } | { mode: 'redrive'; queueUrl: string };

/** Result of one memory child. */
export interface MemoryOutput {
  peakRssMiB: number;
  /** Resident memory once the modules were loaded, before any work. */
  startRssMiB: number;
  ms: number;
  /** Largest V8 heap (`heapTotal`) and off-heap memory of JavaScript objects (`external`) seen, sampled every 25 ms. */
  peakHeapTotalMiB: number;
  peakExternalMiB: number;
  /** Events delivered (import) or dead-lettered requests delivered (redrive). */
  delivered: number;
  processed: number;
}

const MIB = 2 ** 20;

/** Samples the V8 heap and external memory every 25 ms, and returns their peaks when stopped. */
function sampleMemory(): { stop(): { peakHeapTotalMiB: number; peakExternalMiB: number } } {
  let peakHeapTotal = 0;
  let peakExternal = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakHeapTotal = Math.max(peakHeapTotal, usage.heapTotal);
    peakExternal = Math.max(peakExternal, usage.external);
  };
  const timer = setInterval(sample, 25);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { peakHeapTotalMiB: peakHeapTotal / MIB, peakExternalMiB: peakExternal / MIB };
    },
  };
}

async function measure(input: MemoryInput): Promise<MemoryOutput> {
  const startRssMiB = process.memoryUsage().rss / MIB;
  const sampler = sampleMemory();
  const config = loadConfig(process.env);
  const importer = new MixpanelImportClient(config.mixpanel, {}, config.mixpanel.client);
  const startedAt = performance.now();

  if (input.mode === 'import') {
    const events = buildEvents(readCorpusBodies(input.projectDir), input.events, Date.now());
    const outcomes = await importer.importEvents(events, { requestTimeoutMs: config.mixpanel.batchRequestTimeoutMs });
    const delivered = outcomes.filter((outcome) => outcome.status === 'delivered').length;
    return { peakRssMiB: readPeakRssMiB(), startRssMiB, ms: performance.now() - startedAt, ...sampler.stop(), delivered, processed: events.length };
  }

  // getSqsClient takes the endpoint from AWS_ENDPOINT_URL_SQS, which points at the local SQS server here and is unset in a deployment.
  const client = await getSqsClient();
  const progress = await redriveDeadLetters({
    config,
    importer,
    client,
    queueUrl: input.queueUrl,
    deadLetterQueue: new SqsRequestQueue(client, input.queueUrl),
  });
  return {
    peakRssMiB: readPeakRssMiB(),
    startRssMiB,
    ms: performance.now() - startedAt,
    ...sampler.stop(),
    delivered: progress.delivered,
    processed: progress.processed,
  };
}

runChildWork(measure);
