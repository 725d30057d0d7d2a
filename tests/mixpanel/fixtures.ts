import type { MixpanelConfig } from '../../lib/config';
import { MixpanelImportClient, type ImportClientOptions } from '../../lib/mixpanel/import-client';
import type { ImportOutcome } from '../../lib/mixpanel/outcome';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { startMixpanelServer, type MixpanelServer, type MixpanelServerOptions } from '../../local/mixpanel-server';

/** Event time of the fixtures: a fixed past instant, well inside Mixpanel's accepted range. */
export const EVENT_TIME = Date.UTC(2024, 5, 1, 12, 0, 0);

export const PROJECT_TOKEN = 'fixture-project-token-3c9d';

/** Builds a valid install event whose `$insert_id` is `evt-<i>`. */
export function makeEvent(i: number, properties: Record<string, string | number | boolean> = {}): MixpanelEvent {
  return {
    event: '[Branch] install',
    properties: { time: EVENT_TIME + i, distinct_id: `user-${i}`, $insert_id: `evt-${i}`, utm_source: 'facebook', ...properties },
  };
}

export function makeEvents(count: number, properties: Record<string, string | number | boolean> = {}): MixpanelEvent[] {
  return Array.from({ length: count }, (_, i) => makeEvent(i, properties));
}

/**
 * Clock whose `sleep` records the wait and moves time forward at once, so backoff is tested
 * without waiting. Real time still passes between calls, as it does for request timeouts.
 */
export class FakeClock {
  readonly sleeps: number[] = [];
  private offset = 0;

  /**
   * @param options.realWaitMs real milliseconds each `sleep` also waits, for tests where other work must run meanwhile.
   * @param options.randomValue value of `random`, 0 by default so jitter is `jitterMinMs` (1000 ms by default).
   */
  constructor(private readonly options: { realWaitMs?: number; randomValue?: number } = {}) {}

  readonly now = (): number => Date.now() + this.offset;

  readonly sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    const realWaitMs = this.options.realWaitMs ?? 0;
    if (realWaitMs > 0) await new Promise((resolve) => setTimeout(resolve, realWaitMs));
    this.offset += ms;
  };

  readonly random = (): number => this.options.randomValue ?? 0;
}

/** Builds the Mixpanel settings of a client that sends to `apiUrl` with the fixture project token. */
export function mixpanelConfig(apiUrl: string, overrides: Partial<MixpanelConfig> = {}): MixpanelConfig {
  return {
    apiUrl,
    credentials: { kind: 'project_token', token: PROJECT_TOKEN },
    projectToken: PROJECT_TOKEN,
    requestTimeoutMs: 10_000,
    batchRequestTimeoutMs: 10_000,
    client: {},
    ...overrides,
  };
}

const started: MixpanelServer[] = [];

/** Starts a local Mixpanel endpoint on a free port of 127.0.0.1; {@link closeServers} stops it. */
export async function startServer(options: MixpanelServerOptions = {}): Promise<MixpanelServer> {
  const server = await startMixpanelServer({ port: 0, ...options });
  started.push(server);
  return server;
}

/** Stops every server started by {@link startServer}. */
export async function closeServers(): Promise<void> {
  await Promise.all(started.splice(0).map((server) => server.close()));
}

/** Builds a client of `server` on a {@link FakeClock}. */
export function buildClient(
  server: MixpanelServer,
  clock: FakeClock,
  options: ImportClientOptions = {},
  config: Partial<MixpanelConfig> = {},
): MixpanelImportClient {
  return new MixpanelImportClient(mixpanelConfig(server.url, config), clock, options);
}

/** Counts outcomes by status. */
export function countStatuses(outcomes: readonly ImportOutcome[]): Record<ImportOutcome['status'], number> {
  const counts = { delivered: 0, rejected: 0, retry: 0 };
  for (const outcome of outcomes) counts[outcome.status] += 1;
  return counts;
}

/** Returns the positions of outcomes that are not `delivered`. */
export function undeliveredPositions(outcomes: readonly ImportOutcome[]): number[] {
  return outcomes.flatMap((outcome, position) => (outcome.status === 'delivered' ? [] : [position]));
}
