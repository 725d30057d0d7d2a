import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { buildMessageAttributes } from '../lib/queue/request-queue';
import { startMixpanelServer } from '../local/mixpanel-server';
import { startLocalStack } from '../local/stack';
import { PROJECT_DIR, type ChildScripts } from './child-runner';
import { buildDeadLetters, readCorpusBodies } from './corpus';
import type { MemoryInput, MemoryOutput } from './memory-child';
import { summarize, type Summary } from './stats';

/** Target: peak resident memory stays under the smallest Lambda memory size, 128 MB. */
export const MEMORY_TARGET_MIB = 128;

const IMPORT_EVENTS = 2_000;
const DEAD_LETTERS = 10_000;
const RUNS = 3;

/** V8 old-generation cap (MiB) of one extra redrive run, to separate live memory from uncollected garbage. */
export const CAPPED_OLD_SPACE_MIB = 40;

/** Peak memory of one workload over fresh processes. */
export interface MemoryWorkload {
  peakRssMiB: Summary;
  startRssMiB: Summary;
  peakHeapTotalMiB: Summary;
  peakExternalMiB: Summary;
  ms: Summary;
  items: number;
}

/** Result of the memory benchmark. */
export interface MemoryBenchmark {
  importBatch: MemoryWorkload;
  redrive: MemoryWorkload;
  /** One redrive run with V8's old generation capped at {@link CAPPED_OLD_SPACE_MIB} MiB. */
  redriveCappedHeap: MemoryWorkload;
}

/**
 * Measures the peak RSS of two workloads, each run in a fresh child process: importing one
 * 2000-event batch, and redriving 10,000 dead-lettered requests. The local endpoint and the
 * embedded SQS server run in this process, so their memory is not counted.
 */
export async function runMemoryBenchmark(children: ChildScripts): Promise<MemoryBenchmark> {
  const importBatch = await measureImport(children);
  const redrive = await measureRedrive(children, [], RUNS);
  const redriveCappedHeap = await measureRedrive(children, [`--max-old-space-size=${CAPPED_OLD_SPACE_MIB}`], 1);
  return { importBatch, redrive, redriveCappedHeap };
}

async function measureImport(children: ChildScripts): Promise<MemoryWorkload> {
  const server = await startMixpanelServer({ port: 0 });
  const outputs: MemoryOutput[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      server.reset();
      const input: MemoryInput = { mode: 'import', projectDir: PROJECT_DIR, events: IMPORT_EVENTS };
      const output = await children.run<MemoryOutput>('memory-child', input, {
        env: { MIXPANEL_API_URL: server.url, MIXPANEL_PROJECT_TOKEN: 'bench-project-token', POWERTOOLS_LOG_LEVEL: 'INFO' },
      });
      if (output.delivered !== IMPORT_EVENTS || server.received.length !== IMPORT_EVENTS) {
        throw new Error(`Memory import run failed: the client delivered ${output.delivered} and the endpoint stored ${server.received.length} of ${IMPORT_EVENTS} events`);
      }
      outputs.push(output);
    }
  } finally {
    await server.close();
  }
  return describeWorkload(outputs, IMPORT_EVENTS);
}

async function measureRedrive(children: ChildScripts, nodeArgs: string[], runs: number): Promise<MemoryWorkload> {
  const stack = await startLocalStack({});
  const deadLetters = buildDeadLetters(readCorpusBodies(PROJECT_DIR), DEAD_LETTERS, new Date());
  const outputs: MemoryOutput[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      await fillQueue(stack.sqs.client, stack.deadLetterQueueUrl, deadLetters);
      stack.mixpanel!.reset();
      const input: MemoryInput = { mode: 'redrive', queueUrl: stack.deadLetterQueueUrl };
      const output = await children.run<MemoryOutput>('memory-child', input, {
        env: { ...stack.environment, POWERTOOLS_LOG_LEVEL: 'INFO' },
        nodeArgs,
        timeoutMs: 300_000,
      });
      const left = await countMessages(stack.sqs.client, stack.deadLetterQueueUrl);
      if (output.delivered !== DEAD_LETTERS || stack.mixpanel!.received.length !== DEAD_LETTERS || left !== 0) {
        throw new Error(
          `Redrive run failed: it delivered ${output.delivered} of ${DEAD_LETTERS} requests, the endpoint stored ${stack.mixpanel!.received.length} events, and ${left} messages are left in the queue`,
        );
      }
      outputs.push(output);
    }
  } finally {
    await stack.close();
  }
  return describeWorkload(outputs, DEAD_LETTERS);
}

/** Sends the requests to the queue in batches of ten (the SQS maximum), twenty batches at a time. */
async function fillQueue(client: SQSClient, queueUrl: string, requests: ReturnType<typeof buildDeadLetters>): Promise<void> {
  const batches: Array<Promise<unknown>> = [];
  for (let start = 0; start < requests.length; start += 10) {
    const entries = requests.slice(start, start + 10).map((captured, index) => ({
      Id: String(index),
      MessageBody: JSON.stringify(captured),
      MessageAttributes: buildMessageAttributes(captured),
    }));
    batches.push(
      client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })).then((response) => {
        if ((response.Failed ?? []).length > 0) throw new Error(`The local SQS server rejected ${response.Failed!.length} messages of a SendMessageBatch`);
      }),
    );
    if (batches.length === 20) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
}

async function countMessages(client: SQSClient, queueUrl: string): Promise<number> {
  const response = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  const attributes = response.Attributes ?? {};
  return Number(attributes.ApproximateNumberOfMessages ?? 0) + Number(attributes.ApproximateNumberOfMessagesNotVisible ?? 0);
}

function describeWorkload(outputs: readonly MemoryOutput[], items: number): MemoryWorkload {
  return {
    peakRssMiB: summarize(outputs.map((output) => output.peakRssMiB)),
    startRssMiB: summarize(outputs.map((output) => output.startRssMiB)),
    peakHeapTotalMiB: summarize(outputs.map((output) => output.peakHeapTotalMiB)),
    peakExternalMiB: summarize(outputs.map((output) => output.peakExternalMiB)),
    ms: summarize(outputs.map((output) => output.ms)),
    items,
  };
}
