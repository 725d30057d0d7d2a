import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMixpanelServer, type MixpanelServer } from '../local/mixpanel-server';
import { PROJECT_DIR, type ChildScripts } from './child-runner';
import { buildEvents, readCorpusBodies } from './corpus';
import type { ImportInput, ImportOutput } from './import-child';
import { CONTENDERS, type Contender } from './import-contenders';
import { median, summarize, type Summary } from './stats';

/** Target: our client sends at least this many times fewer requests than the `mixpanel` package. */
export const REQUEST_TARGET_RATIO = 40;

// A multiple of 2000 (one full batch), which the no-network contender relies on.
const MEASURED_EVENTS = 20_000;
const WARMUP_EVENTS = 2_000;
const REPETITIONS = 5;

/** Figures of one contender over the repetitions. */
export interface ContenderResult {
  contender: Contender;
  eventsPerSecond: Summary;
  /** Requests per 10,000 events: recorded by the endpoint, or planned by a dry run. */
  requestsPer10k: number;
  requestSource: 'endpoint' | 'planned' | 'none';
  /** Events the client reported delivered in the last repetition, when it reports them. */
  delivered?: number;
  /** Responses per HTTP status over all measured requests. */
  statuses: Record<string, number>;
  /** Events the endpoint decoded from the measured requests, over all repetitions. */
  endpointEvents: number;
}

/** Result of the import-path benchmark. */
export interface ImportBenchmark {
  eventsPerRun: number;
  contenders: Record<Contender, ContenderResult>;
  /** `mixpanel` package requests per our request. */
  requestRatio: number;
  /** Our events per second without network over `mixpanel-import`'s dry run, per repetition. */
  throughputRatio: Summary;
  /** The same, with the dry run charged the serialising and gzip its send step would add. */
  throughputRatioWithCompression: Summary;
  /** Time `mixpanel-import` would spend serialising and compressing the measured events, in ms. */
  peerCompressMs: Summary;
  /** Checks that every run passed, as sentences for the page. */
  checks: string[];
}

/**
 * Imports the same 20,000 events with each contender, each repetition in a fresh child process
 * behind the loopback guard, against one local endpoint that is reset before every child.
 */
export async function runImportBenchmark(children: ChildScripts): Promise<ImportBenchmark> {
  const workDir = mkdtempSync(join(tmpdir(), 'branch-to-mixpanel-import-'));
  const eventsFile = join(workDir, 'events.json');
  writeFileSync(eventsFile, JSON.stringify(buildEvents(readCorpusBodies(PROJECT_DIR), MEASURED_EVENTS + WARMUP_EVENTS, Date.now())));
  const server = await startMixpanelServer({ port: 0 });
  const outputs = new Map<Contender, ImportOutput[]>(CONTENDERS.map((contender) => [contender, []]));

  try {
    for (let repetition = 0; repetition < REPETITIONS; repetition += 1) {
      // Rotate the order, so no contender always runs first on a cooling or warming machine.
      const order = CONTENDERS.map((_, index) => CONTENDERS[(index + repetition) % CONTENDERS.length]!);
      for (const contender of order) {
        server.reset();
        const input: ImportInput = { contender, eventsFile, warmupEvents: WARMUP_EVENTS, measuredEvents: MEASURED_EVENTS, endpointUrl: server.url };
        const output = await children.run<ImportOutput>('import-child', input, { timeoutMs: 120_000 });
        checkOutput(output, server);
        outputs.get(contender)!.push(output);
      }
    }
  } finally {
    await server.close();
    rmSync(workDir, { recursive: true, force: true });
  }

  const contenders = Object.fromEntries(CONTENDERS.map((contender) => [contender, describeContender(contender, outputs.get(contender)!)])) as Record<Contender, ContenderResult>;
  const oursNoNetwork = outputs.get('ours-no-network')!;
  const dryRun = outputs.get('mixpanel-import-dry-run')!;
  return {
    eventsPerRun: MEASURED_EVENTS,
    contenders,
    requestRatio: contenders.mixpanel.requestsPer10k / contenders.ours.requestsPer10k,
    throughputRatio: summarize(oursNoNetwork.map((output, index) => dryRun[index]!.ms / output.ms)),
    throughputRatioWithCompression: summarize(oursNoNetwork.map((output, index) => (dryRun[index]!.ms + (dryRun[index]!.compressMs ?? 0)) / output.ms)),
    peerCompressMs: summarize(dryRun.map((output) => output.compressMs ?? 0)),
    checks: [
      `The loopback guard blocked no connection in any of the ${REPETITIONS * CONTENDERS.length} child processes.`,
      `Every /import request the endpoint recorded carried Host 127.0.0.1:PORT, and their count matched what each child read from the endpoint.`,
      `mixpanel-import's dry runs left the endpoint with no request.`,
    ],
  };
}

/**
 * Checks, from the endpoint's own records, that the child reached the local endpoint and nothing
 * else: the guard blocked nothing, every request carried the loopback Host, and the endpoint saw
 * exactly the warm-up and measured requests the child counted.
 *
 * @throws Error naming the check that failed.
 */
function checkOutput(output: ImportOutput, server: MixpanelServer): void {
  if (output.blockedConnections.length > 0) {
    throw new Error(`The loopback guard blocked ${output.contender} from reaching ${output.blockedConnections.join(', ')}`);
  }
  const expectedHost = `127.0.0.1:${server.port}`;
  const strayHosts = server.requests.map((record) => record.headers.host).filter((host) => host !== expectedHost);
  if (strayHosts.length > 0) throw new Error(`${output.contender} sent requests with Host ${strayHosts.join(', ')}, not ${expectedHost}`);
  const expectedRequests = output.warmupRequests + output.endpoint.requests;
  if (server.requests.length !== expectedRequests) {
    throw new Error(`${output.contender}: the endpoint recorded ${server.requests.length} requests, the child counted ${expectedRequests}`);
  }
  if (output.contender === 'mixpanel-import-dry-run' && server.requests.length > 0) {
    throw new Error(`mixpanel-import sent ${server.requests.length} requests in a dry run`);
  }
  if (output.contender === 'ours-no-network' && server.requests.length > 0) {
    throw new Error(`Our client without network sent ${server.requests.length} requests to the endpoint`);
  }
}

function describeContender(contender: Contender, outputs: readonly ImportOutput[]): ContenderResult {
  const statuses: Record<string, number> = {};
  for (const output of outputs) {
    for (const [status, count] of Object.entries(output.endpoint.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
  }
  const planned = outputs.map((output) => output.plannedRequests).filter((value): value is number => value !== undefined);
  let requestSource: ContenderResult['requestSource'] = 'endpoint';
  if (contender === 'ours-no-network') requestSource = 'none';
  else if (planned.length > 0) requestSource = 'planned';
  const requests = requestSource === 'planned' ? planned : outputs.map((output) => output.endpoint.requests);

  return {
    contender,
    eventsPerSecond: summarize(outputs.map((output) => (output.events * 1000) / output.ms)),
    requestsPer10k: requestSource === 'none' ? Number.NaN : (median(requests) * 10_000) / MEASURED_EVENTS,
    requestSource,
    delivered: outputs.at(-1)?.delivered,
    statuses,
    endpointEvents: outputs.reduce((sum, output) => sum + output.endpoint.events, 0),
  };
}
