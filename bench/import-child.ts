import { readFileSync } from 'node:fs';
import type { MixpanelEvent } from '../lib/transform/mixpanel-event';
import { runChildWork } from './child-io';
import { createRunner, measurePeerCompression, type Contender } from './import-contenders';

/** Input of the import-path child. */
export interface ImportInput {
  contender: Contender;
  /** JSON file with `warmupEvents + measuredEvents` events. */
  eventsFile: string;
  warmupEvents: number;
  measuredEvents: number;
  /** Base URL of the local Mixpanel endpoint, `http://127.0.0.1:PORT`. */
  endpointUrl: string;
}

/** `/import` requests the local endpoint recorded during the measured import. */
export interface EndpointRecords {
  requests: number;
  events: number;
  /** Requests per HTTP status. */
  statuses: Record<string, number>;
  /** Distinct `Host` headers of those requests. */
  hosts: string[];
}

/** Result of one import-path child. */
export interface ImportOutput {
  contender: Contender;
  events: number;
  ms: number;
  delivered?: number;
  plannedRequests?: number;
  /** Dry run only: time to serialise and gzip the measured events as its send step would, in ms. */
  compressMs?: number;
  /** Requests the endpoint recorded during the warm-up, so the parent can check the total. */
  warmupRequests: number;
  endpoint: EndpointRecords;
  /** Hosts the loopback guard kept this process from reaching. */
  blockedConnections: string[];
}

interface RequestRecord {
  status: number;
  eventCount: number;
  headers: Record<string, string>;
}

// The endpoint's own records, read over its control route, are what count as sent.
async function readRecords(endpointUrl: string): Promise<RequestRecord[]> {
  const response = await fetch(`${endpointUrl}/__requests`);
  if (!response.ok) throw new Error(`GET ${endpointUrl}/__requests responded ${response.status}`);
  return (await response.json()) as RequestRecord[];
}

function describeRecords(records: readonly RequestRecord[]): EndpointRecords {
  const statuses: Record<string, number> = {};
  for (const record of records) statuses[record.status] = (statuses[record.status] ?? 0) + 1;
  return {
    requests: records.length,
    events: records.reduce((sum, record) => sum + record.eventCount, 0),
    statuses,
    hosts: [...new Set(records.map((record) => record.headers.host ?? '(none)'))],
  };
}

async function measure(input: ImportInput): Promise<ImportOutput> {
  const events = JSON.parse(readFileSync(input.eventsFile, 'utf8')) as MixpanelEvent[];
  if (events.length < input.warmupEvents + input.measuredEvents) throw new Error(`${input.eventsFile} has only ${events.length} events`);
  const measured = events.slice(0, input.measuredEvents);
  const warmup = events.slice(input.measuredEvents, input.measuredEvents + input.warmupEvents);

  const importEvents = createRunner(input.contender, input.endpointUrl);
  await importEvents(warmup);
  const before = await readRecords(input.endpointUrl);

  const startedAt = performance.now();
  const result = await importEvents(measured);
  const ms = performance.now() - startedAt;

  const after = await readRecords(input.endpointUrl);
  const compressMs = input.contender === 'mixpanel-import-dry-run' ? await measurePeerCompression(measured) : undefined;
  return {
    contender: input.contender,
    events: measured.length,
    ms,
    ...result,
    ...(compressMs !== undefined ? { compressMs } : {}),
    warmupRequests: before.length,
    endpoint: describeRecords(after.slice(before.length)),
    blockedConnections: globalThis.benchBlockedConnections ?? ['(loopback guard not loaded)'],
  };
}

runChildWork(measure);
