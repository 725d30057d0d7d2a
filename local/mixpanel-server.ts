import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname } from 'node:path';
import { FaultQueue, describeFault, injectedFailure, parseFaults, type MixpanelFault } from './mixpanel-faults';
import {
  ImportRequestError,
  MAX_BODY_BYTES,
  checkCredentials,
  decodeEvents,
  readBody,
  tooLarge,
  type MixpanelCredentials,
} from './mixpanel-request';
import { deduplicateEvents, describeEvent, isImportedEvent, redactHeaders, type ImportRequestRecord, type ImportedEvent } from './mixpanel-records';
import { errorBody, faultBody, importResult, sendJson } from './mixpanel-responses';
import { validateImportEvent, type FailedRecord } from './mixpanel-validation';

export type { MixpanelFault } from './mixpanel-faults';
export type { ImportRequestRecord, ImportedEvent } from './mixpanel-records';
export type { MixpanelCredentials } from './mixpanel-request';

/** Options of {@link startMixpanelServer}. */
export interface MixpanelServerOptions {
  /** TCP port on 127.0.0.1. The default, 0, picks a free port. */
  port?: number;
  /** Credentials to require. When undefined, any `Authorization` header, or none, is accepted. */
  credentials?: MixpanelCredentials;
  /** File to which each imported event is appended as one JSON line. Missing parent folders are created. */
  recordFile?: string;
  /** Receives one line per imported or rejected event, fault and failed request. */
  log?: (line: string) => void;
  /** Picks a fault for `/import` request `requestNumber` (from 1) when no queued fault applies. */
  faultPlan?: (requestNumber: number, events: unknown[]) => MixpanelFault | undefined;
  /** Clock in epoch ms for the "not more than 1 hour in the future" rule. Defaults to `Date.now`. */
  now?: () => number;
}

/** Running local Mixpanel `/import` endpoint, started by {@link startMixpanelServer}. */
export interface MixpanelServer {
  /** Base URL such as `http://127.0.0.1:41234`. The endpoint is `${url}/import`. */
  readonly url: string;
  readonly port: number;
  /** Every imported event, in arrival order, duplicates included. */
  readonly received: readonly ImportedEvent[];
  readonly requests: readonly ImportRequestRecord[];
  /** Returns the received events deduplicated as Mixpanel's queries do (see `deduplicateEvents`). */
  uniqueEvents(): ImportedEvent[];
  /** Queues a fault for the next `/import` requests. */
  injectFault(fault: MixpanelFault): void;
  clearFaults(): void;
  /** Forgets received events, request records and queued faults, and numbers requests from 1 again. */
  reset(): void;
  /** Stops the server and destroys open connections, hung ones included. */
  close(): Promise<void>;
}

/**
 * Starts a Mixpanel-compatible `POST /import` endpoint on 127.0.0.1 for the local stack, tests and
 * benchmarks. It validates batches as `strict=1` does, keeps what it imports, and applies queued
 * or planned faults. Other processes control it over HTTP: `POST /__faults` (one fault or an
 * array), `DELETE /__faults`, `GET /__received`, `GET /__unique` and `GET /__requests`.
 */
export async function startMixpanelServer(options: MixpanelServerOptions = {}): Promise<MixpanelServer> {
  if (options.recordFile !== undefined) mkdirSync(dirname(options.recordFile), { recursive: true });

  const server = new LocalMixpanelServer(options);
  await server.listen(options.port ?? 0);
  return server;
}

class LocalMixpanelServer implements MixpanelServer {
  readonly received: ImportedEvent[] = [];
  readonly requests: ImportRequestRecord[] = [];
  private readonly faults = new FaultQueue();
  private readonly http: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private requestCount = 0;
  private closed = false;

  constructor(private readonly options: MixpanelServerOptions) {
    this.http = createServer((request, response) => {
      this.route(request, response).catch((error: unknown) => this.handleUnexpected(response, error));
    });
    this.http.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => {
        this.http.off('error', reject);
        resolve();
      });
    });
  }

  uniqueEvents(): ImportedEvent[] {
    return deduplicateEvents(this.received);
  }

  injectFault(fault: MixpanelFault): void {
    this.faults.push(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  reset(): void {
    this.received.length = 0;
    this.requests.length = 0;
    this.faults.clear();
    this.requestCount = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;

    for (const [timer, wake] of this.timers) {
      clearTimeout(timer);
      wake();
    }
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private async route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { pathname } = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';

    if (pathname === '/import' && method === 'POST') return this.handleImport(request, response);
    if (pathname === '/__faults' && method === 'POST') return this.handleAddFaults(request, response);
    if (pathname === '/__faults' && method === 'DELETE') {
      this.faults.clear();
      return sendJson(response, 200, { status: 'OK' });
    }
    if (pathname === '/__received' && method === 'GET') return sendJson(response, 200, this.received);
    if (pathname === '/__unique' && method === 'GET') return sendJson(response, 200, this.uniqueEvents());
    if (pathname === '/__requests' && method === 'GET') return sendJson(response, 200, this.requests);

    await readBody(request, 0);
    this.log(`mixpanel 404: no route for ${method} ${pathname}`);
    sendJson(response, 404, errorBody(404, `no route for ${method} ${pathname}`));
  }

  private async handleImport(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const query = Object.fromEntries(new URL(request.url ?? '/', 'http://127.0.0.1').searchParams);
    const record: ImportRequestRecord = {
      status: 0,
      eventCount: 0,
      query,
      headers: redactHeaders(request.headers),
      gzip: /gzip/i.test(request.headers['content-encoding'] ?? ''),
      receivedAt: new Date().toISOString(),
    };
    this.requests.push(record);
    this.requestCount += 1;
    const requestNumber = this.requestCount;
    // Queued faults go to requests in arrival order, before slower bodies finish reading.
    const queuedFault = this.faults.take();

    // The read limit leaves room for gzip overhead, because the 10MB limit applies after decompression.
    const { body, truncated } = await readBody(request, 2 * MAX_BODY_BYTES);
    let events: unknown[] = [];
    let decodeError: ImportRequestError | undefined;
    try {
      if (truncated) throw tooLarge();
      events = await decodeEvents(body, request.headers['content-type'], request.headers['content-encoding']);
    } catch (error) {
      if (!(error instanceof ImportRequestError)) throw error;
      decodeError = error;
    }
    record.eventCount = events.length;

    const fault = queuedFault ?? this.options.faultPlan?.(requestNumber, events);
    if (fault !== undefined) {
      record.fault = describeFault(fault);
      this.log(`mixpanel /import request ${requestNumber}: injected fault ${record.fault}`);
    }
    if (fault?.delayMs !== undefined) await this.sleep(fault.delayMs);
    if (this.closed || fault?.hang === true) return;
    if (fault?.destroySocket === true) {
      request.socket.destroy();
      return;
    }

    const respond = (status: number, payload: unknown): void => {
      record.status = status;
      sendJson(response, status, payload, fault?.headers);
    };

    if (fault?.status !== undefined) {
      record.status = fault.status;
      response.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json', ...fault.headers });
      response.end(fault.body ?? faultBody(fault.status));
      return;
    }

    if (!checkCredentials(this.options.credentials, request.headers.authorization, query.project_id)) {
      this.log(`mixpanel /import request ${requestNumber} 401: invalid credentials (project_id=${query.project_id ?? '-'})`);
      return respond(401, errorBody(401, 'Invalid credentials'));
    }
    if (decodeError !== undefined) {
      this.log(`mixpanel /import request ${requestNumber} ${decodeError.status}: ${decodeError.message}`);
      return respond(decodeError.status, errorBody(decodeError.status, decodeError.message));
    }

    const { imported, failed } = this.importEvents(events, query.strict === '1', new Set(fault?.rejectIndexes));
    const result = importResult(imported, failed);
    respond(result.status, result.body);
  }

  /** Validates a decoded batch, stores the events that pass and returns the import counts. */
  private importEvents(events: unknown[], strict: boolean, rejectIndexes: Set<number>): { imported: number; failed: FailedRecord[] } {
    const nowMs = (this.options.now ?? Date.now)();
    const accepted: ImportedEvent[] = [];
    const failed: FailedRecord[] = [];

    for (const [index, event] of events.entries()) {
      let failure: FailedRecord | undefined;
      if (rejectIndexes.has(index)) failure = injectedFailure(event, index);
      else if (strict) failure = validateImportEvent(event, index, nowMs);

      if (failure !== undefined) {
        failed.push(failure);
        this.log(`mixpanel rejected index=${index} insert_id=${failure.$insert_id ?? '-'} ${failure.message}`);
      } else if (isImportedEvent(event)) {
        accepted.push(event);
      } else {
        // Without strict=1 there are no per-event errors, so a record that is not an event is dropped.
        // NOTE: the docs do not say what Mixpanel does with invalid events when strict is off.
        this.log(`mixpanel dropped index=${index}: not an object with a string event and object properties`);
      }
    }

    // NOTE: Mixpanel replaces a time up to 1 hour in the future with its ingestion time, but this
    // server stores every event as sent.
    this.received.push(...accepted);
    for (const event of accepted) this.log(describeEvent(event));
    if (this.options.recordFile !== undefined && accepted.length > 0) {
      appendFileSync(this.options.recordFile, accepted.map((event) => `${JSON.stringify(event)}\n`).join(''));
    }
    return { imported: accepted.length, failed };
  }

  private async handleAddFaults(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { body } = await readBody(request, 1024 * 1024);
    try {
      const faults = parseFaults(JSON.parse(body.toString('utf8')));
      for (const fault of faults) this.faults.push(fault);
      sendJson(response, 200, { status: 'OK', queued: this.faults.size });
    } catch (error) {
      this.log(`mixpanel /__faults 400: ${(error as Error).message}`);
      sendJson(response, 400, errorBody(400, (error as Error).message));
    }
  }

  /** Waits `ms`, or less when the server closes first. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.set(timer, resolve);
    });
  }

  private handleUnexpected(response: ServerResponse, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.log(`mixpanel internal error: ${message}`);
    if (!response.headersSent && !response.destroyed) sendJson(response, 500, errorBody(500, message));
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
