import { gzipSync } from 'node:zlib';
import type { MixpanelConfig } from '../config';
import type { MixpanelEvent } from '../transform/mixpanel-event';
import { buildAuthentication } from './auth';
import type { ImportOutcome } from './outcome';
import { interpretImportResponse } from './response';

/** Options of one `importEvents` call. */
export interface ImportOptions {
  /** Epoch milliseconds after which no request may still be running. */
  deadline?: number;
}

/** Dependencies that tests replace. */
export interface ImportClientDependencies {
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * Client of Mixpanel's `/import` API: JSON body, gzip, `strict=1`, one outcome per event.
 * It never throws for Mixpanel's answers or network failures; they become `retry` outcomes.
 */
export class MixpanelImportClient {
  private readonly url: URL;
  private readonly authorization: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;

  constructor(
    private readonly config: MixpanelConfig,
    dependencies: ImportClientDependencies = {},
  ) {
    const auth = buildAuthentication(config.credentials);
    this.url = new URL(`${config.apiUrl}/import`);
    this.url.searchParams.set('strict', '1');
    for (const [key, value] of Object.entries(auth.query)) this.url.searchParams.set(key, value);
    this.authorization = auth.authorization;
    this.fetchImpl = dependencies.fetch ?? fetch;
    this.now = dependencies.now ?? Date.now;
  }

  /** Imports events in one request and returns one outcome per event, in input order. */
  async importEvents(events: readonly MixpanelEvent[], options: ImportOptions = {}): Promise<ImportOutcome[]> {
    if (events.length === 0) return [];
    const timeoutMs = this.requestTimeout(options.deadline);
    if (timeoutMs <= 0) {
      return events.map(() => ({ status: 'retry', reason: 'deadline_exceeded', message: 'No time left before the deadline to call Mixpanel' }));
    }

    try {
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          accept: 'application/json',
        },
        body: gzipSync(JSON.stringify(events)),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return interpretImportResponse(response.status, text, events.length);
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const reason = timedOut ? 'mixpanel_timeout' : 'mixpanel_network_error';
      const message = timedOut ? `Mixpanel did not answer within ${timeoutMs} ms` : `Request to Mixpanel failed: ${describeError(error)}`;
      return events.map(() => ({ status: 'retry', reason, message }));
    }
  }

  private requestTimeout(deadline: number | undefined): number {
    if (deadline === undefined) return this.config.requestTimeoutMs;
    return Math.min(this.config.requestTimeoutMs, deadline - this.now());
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
