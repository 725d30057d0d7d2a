import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { MixpanelConfig } from '../lib/config';
import { MixpanelImportClient } from '../lib/mixpanel/import-client';
import { MAX_EVENTS_PER_REQUEST } from '../lib/mixpanel/client-options';
import type { MixpanelEvent } from '../lib/transform/mixpanel-event';

/** The clients the import-path benchmark compares. */
export const CONTENDERS = ['ours', 'ours-no-network', 'mixpanel', 'mixpanel-import-dry-run'] as const;

export type Contender = (typeof CONTENDERS)[number];

/** Imports one list of events and returns the counts the client itself reports. */
export type ImportRunner = (events: MixpanelEvent[]) => Promise<ImportRunResult>;

/** Counts a client itself reports about one import. */
export interface ImportRunResult {
  delivered?: number;
  plannedRequests?: number;
}

const gzipAsync = promisify(gzip);

/** Project token sent to the local endpoint, which accepts any credentials. */
const BENCH_TOKEN = 'bench-project-token';

/**
 * Builds the runner of one contender, pointed at the local endpoint `endpointUrl` (plain http on
 * 127.0.0.1). Peer packages are required here, so a child that runs our client never loads them.
 */
export function createRunner(contender: Contender, endpointUrl: string): ImportRunner {
  switch (contender) {
    case 'ours':
      return createOurRunner(endpointUrl, fetch);
    case 'ours-no-network':
      return createOurRunner(endpointUrl, answerWithoutNetwork);
    case 'mixpanel':
      return createMixpanelRunner(endpointUrl);
    case 'mixpanel-import-dry-run':
      return createMixpanelImportRunner();
  }
}

function createOurRunner(endpointUrl: string, fetchImpl: typeof fetch): ImportRunner {
  const config: MixpanelConfig = {
    apiUrl: endpointUrl,
    credentials: { kind: 'project_token', token: BENCH_TOKEN },
    projectToken: BENCH_TOKEN,
    requestTimeoutMs: 30_000,
    batchRequestTimeoutMs: 30_000,
    client: {},
  };
  const client = new MixpanelImportClient(config, { fetch: fetchImpl });
  return async (events) => {
    const outcomes = await client.importEvents(events, { requestTimeoutMs: config.batchRequestTimeoutMs });
    return { delivered: outcomes.filter((outcome) => outcome.status === 'delivered').length };
  };
}

/**
 * Returns Mixpanel's response to a full batch at once, without a network or server, so our client
 * still does all of its own work (serialising, batching, gzip). The response is correct only for
 * batches of exactly 2000 events, so the benchmark imports multiples of 2000.
 */
async function answerWithoutNetwork(): Promise<Response> {
  const body = JSON.stringify({ code: 200, num_records_imported: MAX_EVENTS_PER_REQUEST, status: 'OK' });
  return new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}

/** The parts of the `mixpanel` package (0.24.0) that the benchmark calls. */
interface MixpanelPackage {
  init(token: string, config: Record<string, unknown>): {
    import_batch(events: MixpanelEvent[], options: { max_concurrent_requests: number }, callback: (errors?: Error[]) => void): void;
  };
}

/**
 * Builds a runner on the `mixpanel` package, pointed at the endpoint with its documented `host`
 * (with the port) and `protocol` options. Over plain http it rejects an API secret and service accounts for
 * `/import`, so it authenticates with its deprecated `key` option, sent as an `api_key` query
 * parameter. The local endpoint accepts any credentials. The package sends at most 50 events per
 * request, as form data with the events as base64 JSON in a `data` field.
 */
function createMixpanelRunner(endpointUrl: string): ImportRunner {
  const Mixpanel = require('mixpanel') as MixpanelPackage;
  const url = new URL(endpointUrl);
  const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
  const client = Mixpanel.init(BENCH_TOKEN, { host: `${url.hostname}:${url.port}`, protocol: 'http', key: 'bench-api-key', keepAlive: true, logger: silent });
  return (events) =>
    new Promise((resolve) => {
      // The same concurrency as our client's default. Its errors are read from the endpoint's records instead of the callback.
      client.import_batch(events, { max_concurrent_requests: 5 }, () => resolve({}));
    });
}

/** The parts of the `mixpanel-import` package (3.1.43) that the benchmark calls. */
type MixpanelImportPackage = (creds: Record<string, unknown>, data: MixpanelEvent[], options: Record<string, unknown>) => Promise<{ requests: number; total: number }>;

/**
 * Builds a runner on `mixpanel-import`, which cannot be pointed at the local endpoint: its only
 * endpoint option is `region` (US, EU or IN), which picks one of Mixpanel's hosts. It runs in its documented `dryRun` mode,
 * which reads, batches and counts the events but stops before compressing and sending them.
 */
function createMixpanelImportRunner(): ImportRunner {
  const importEvents = require('mixpanel-import') as MixpanelImportPackage;
  return async (events) => {
    const summary = await importEvents({ token: BENCH_TOKEN }, events, {
      recordType: 'event',
      region: 'US',
      dryRun: true,
      workers: 5,
      fixData: false,
      strict: true,
      compress: true,
      verbose: false,
      showProgress: false,
      logs: false,
      abridged: true,
    });
    return { plannedRequests: summary.requests };
  };
}

/**
 * Times the work `mixpanel-import` 3.1.43 does for each batch before sending it, which its dry run
 * skips: `JSON.stringify` of the batch, then gzip at its default level 6 (`flushToMixpanel` in
 * its `components/importers.js`), with as many batches at once as it has workers.
 */
export async function measurePeerCompression(events: readonly MixpanelEvent[], batchSize = 2000, workers = 5): Promise<number> {
  const batches: MixpanelEvent[][] = [];
  for (let start = 0; start < events.length; start += batchSize) batches.push(events.slice(start, start + batchSize));
  const startedAt = performance.now();
  for (let start = 0; start < batches.length; start += workers) {
    await Promise.all(batches.slice(start, start + workers).map((batch) => gzipAsync(JSON.stringify(batch), { level: 6 })));
  }
  return performance.now() - startedAt;
}
