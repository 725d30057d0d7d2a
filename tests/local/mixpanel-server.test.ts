import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startMixpanelServer, type MixpanelServer, type MixpanelServerOptions } from '../../local/mixpanel-server';

const NOW = Date.UTC(2024, 5, 1, 12, 1, 5, 123);

const started: MixpanelServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function start(options: MixpanelServerOptions = {}): Promise<MixpanelServer> {
  const server = await startMixpanelServer({ now: () => NOW, ...options });
  started.push(server);
  return server;
}

function makeEvent(i: number, properties: Record<string, unknown> = {}): { event: string; properties: Record<string, unknown> } {
  return {
    event: '[Branch] install',
    properties: { time: NOW - i * 1000, distinct_id: `user-${i}`, $insert_id: `insert-${i}`, ...properties },
  };
}

function makeEvents(count: number): ReturnType<typeof makeEvent>[] {
  return Array.from({ length: count }, (_, i) => makeEvent(i));
}

interface PostOptions {
  gzip?: boolean;
  query?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

function postImport(server: MixpanelServer, events: unknown[], options: PostOptions = {}): Promise<Response> {
  const json = options.body ?? JSON.stringify(events);
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
  let body: string | Buffer = json;
  if (options.gzip === true) {
    body = gzipSync(json);
    headers['Content-Encoding'] = 'gzip';
  }
  return fetch(`${server.url}/import?${options.query ?? 'strict=1'}`, { method: 'POST', headers, body, signal: options.signal });
}

/** Fields of Mixpanel's JSON responses that the tests read. */
interface ResponseBody {
  code: number;
  status: string;
  error?: string;
  num_records_imported?: number;
  failed_records?: { index: number; $insert_id?: string; insert_id?: string; field: string; message: string }[];
}

async function readJson<T = ResponseBody>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

function basicAuth(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

describe('mixpanel server import', () => {
  test('listens on 127.0.0.1', async () => {
    const server = await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  test('imports gzip batch', async () => {
    const server = await start();
    const response = await postImport(server, makeEvents(2), { gzip: true });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ code: 200, num_records_imported: 2, status: 'OK' });
    expect(server.received).toEqual(makeEvents(2));
    expect(server.requests[0]?.gzip).toBe(true);
    expect(server.requests[0]?.eventCount).toBe(2);
    expect(server.requests[0]?.status).toBe(200);
  });

  test('imports ndjson batch', async () => {
    const server = await start();
    const body = makeEvents(3).map((event) => JSON.stringify(event)).join('\n') + '\n';
    const response = await postImport(server, [], { body, headers: { 'Content-Type': 'application/x-ndjson' } });

    expect(response.status).toBe(200);
    expect(server.received).toHaveLength(3);
  });

  test('records query parameters', async () => {
    const server = await start();
    await postImport(server, makeEvents(1), { query: 'strict=1&project_id=42' });
    expect(server.requests[0]?.query).toEqual({ strict: '1', project_id: '42' });
  });

  test('strict failure imports valid events', async () => {
    const server = await start();
    const events = [makeEvent(0), makeEvent(1, { time: undefined }), makeEvent(2)];
    const response = await postImport(server, events);
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.code).toBe(400);
    expect(body.status).toBe('Bad Request');
    expect(body.error).toBe('some data points in the request failed validation');
    expect(body.num_records_imported).toBe(2);
    expect(body.failed_records).toEqual([
      {
        index: 1,
        $insert_id: 'insert-1',
        insert_id: 'insert-1',
        field: 'properties.time',
        message: "'properties.time' is invalid: must not be missing",
      },
    ]);
    expect(server.received.map((event) => event.properties.$insert_id)).toEqual(['insert-0', 'insert-2']);
  });

  test('non-strict skips validation', async () => {
    const server = await start();
    const response = await postImport(server, [makeEvent(0, { $insert_id: undefined })], { query: 'strict=0' });

    expect(response.status).toBe(200);
    expect(server.received).toHaveLength(1);
  });

  test('rejects malformed JSON', async () => {
    const server = await start();
    const response = await postImport(server, [], { body: '[{"event":' });
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.code).toBe(400);
    expect(body.status).toBe('Bad Request');
    expect(body.error).toMatch(/^invalid JSON in request body/);
  });

  test('rejects body that is not an array', async () => {
    const server = await start();
    const response = await postImport(server, [], { body: JSON.stringify(makeEvent(0)) });
    expect(response.status).toBe(400);
  });

  test('rejects corrupt gzip', async () => {
    const server = await start();
    const response = await postImport(server, [], { body: 'not gzip', headers: { 'Content-Encoding': 'gzip' } });
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.error).toMatch(/^invalid gzip body/);
  });

  test('rejects unsupported encoding', async () => {
    const server = await start();
    const response = await postImport(server, makeEvents(1), { headers: { 'Content-Encoding': 'br' } });
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.error).toBe("unsupported Content-Encoding 'br': send gzip or no encoding");
  });

  test('rejects invalid ndjson line', async () => {
    const server = await start();
    const body = `${JSON.stringify(makeEvent(0))}\n{oops\n`;
    const response = await postImport(server, [], { body, headers: { 'Content-Type': 'application/x-ndjson' } });

    expect(response.status).toBe(400);
    expect((await readJson(response)).error).toMatch(/^invalid JSON on line 2 of ndjson body/);
  });

  test('rejects empty batch', async () => {
    const server = await start();
    const response = await postImport(server, []);
    expect(response.status).toBe(400);
  });

  test('rejects 2001 events with 413', async () => {
    const server = await start();
    const response = await postImport(server, makeEvents(2001), { gzip: true });
    const body = await readJson(response);

    expect(response.status).toBe(413);
    expect(body.code).toBe(413);
    expect(body.status).toBe('Request Entity Too Large');
    expect(server.received).toHaveLength(0);
  });

  test('accepts 2000 events', async () => {
    const server = await start();
    const response = await postImport(server, makeEvents(2000), { gzip: true });
    expect(response.status).toBe(200);
    expect(server.received).toHaveLength(2000);
  });

  test('rejects over 10MB uncompressed with 413', async () => {
    const server = await start();
    const events = [makeEvent(0, { blob: 'x'.repeat(10 * 1024 * 1024) })];
    const response = await postImport(server, events, { gzip: true });
    const body = await readJson(response);

    expect(response.status).toBe(413);
    expect(body.error).toBe('request exceeds max limit of 10485760 bytes');
  });

  test('answers 404 for unknown route', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/track`, { method: 'POST', body: '[]' });
    expect(response.status).toBe(404);
  });
});

describe('mixpanel server authentication', () => {
  const credentials = { serviceAccountUsername: 'sa.user', serviceAccountSecret: 's3cret', projectId: '42', projectToken: 'tok123' };

  test('accepts service account', async () => {
    const server = await start({ credentials });
    const response = await postImport(server, makeEvents(1), {
      query: 'strict=1&project_id=42',
      headers: { Authorization: basicAuth('sa.user', 's3cret') },
    });
    expect(response.status).toBe(200);
  });

  test('accepts plain-text service account', async () => {
    const server = await start({ credentials });
    const response = await postImport(server, makeEvents(1), {
      query: 'strict=1&project_id=42',
      headers: { Authorization: 'Basic sa.user:s3cret' },
    });
    expect(response.status).toBe(200);
  });

  test('accepts project token', async () => {
    const server = await start({ credentials });
    const response = await postImport(server, makeEvents(1), { headers: { Authorization: basicAuth('tok123', '') } });
    expect(response.status).toBe(200);
  });

  const rejected: [string, string | undefined, string][] = [
    ['service account without project_id', basicAuth('sa.user', 's3cret'), 'strict=1'],
    ['service account for another project', basicAuth('sa.user', 's3cret'), 'strict=1&project_id=7'],
    ['wrong secret', basicAuth('sa.user', 'wrong'), 'strict=1&project_id=42'],
    ['token with a password', basicAuth('tok123', 'x'), 'strict=1'],
    ['unknown token', basicAuth('other', ''), 'strict=1'],
    ['missing header', undefined, 'strict=1&project_id=42'],
    ['bearer scheme', 'Bearer tok123', 'strict=1'],
  ];

  test.each(rejected)('rejects %s', async (_name, authorization, query) => {
    const server = await start({ credentials });
    const headers: Record<string, string> = authorization === undefined ? {} : { Authorization: authorization };
    const response = await postImport(server, makeEvents(1), { query, headers });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 401, error: 'Invalid credentials', status: 'Unauthorized' });
    expect(server.received).toHaveLength(0);
  });

  test('redacts authorization in records', async () => {
    const server = await start({ credentials });
    await postImport(server, makeEvents(1), { headers: { Authorization: basicAuth('tok123', '') } });
    expect(server.requests[0]?.headers.authorization).toBe('[redacted]');
  });
});

describe('mixpanel server faults', () => {
  test('500 with body 1', async () => {
    const server = await start();
    server.injectFault({ status: 500, body: '1' });
    const response = await postImport(server, makeEvents(1));

    expect(response.status).toBe(500);
    expect(await response.text()).toBe('1');
    expect(server.received).toHaveLength(0);
    expect(server.requests[0]?.status).toBe(500);
    expect(server.requests[0]?.fault).toBe('status=500');
  });

  test('413 with HTML body', async () => {
    const server = await start();
    server.injectFault({ status: 413, body: '<html><body>413 Request Entity Too Large</body></html>', contentType: 'text/html' });
    const response = await postImport(server, makeEvents(1));

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toContain('<html>');
  });

  test('429 with Retry-After', async () => {
    const server = await start();
    server.injectFault({ status: 429, headers: { 'Retry-After': '2' } });
    const response = await postImport(server, makeEvents(1));
    const body = await readJson(response);

    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(body.code).toBe(429);
    expect(body.status).toBe('Too Many Requests');
    expect(body.error).toBe('Project exceeded rate limits. Please retry the request with exponential backoff.');
  });

  test('fault applies times requests', async () => {
    const server = await start();
    server.injectFault({ status: 503, times: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await postImport(server, makeEvents(1))).status);
    expect(statuses).toEqual([503, 503, 200]);
  });

  test('faults apply in order', async () => {
    const server = await start();
    server.injectFault({ status: 500 });
    server.injectFault({ status: 502 });
    const first = await postImport(server, makeEvents(1));
    const second = await postImport(server, makeEvents(1));
    expect(first.status).toBe(500);
    expect(second.status).toBe(502);
  });

  test('clearFaults empties queue', async () => {
    const server = await start();
    server.injectFault({ status: 500 });
    server.clearFaults();
    const response = await postImport(server, makeEvents(1));
    expect(response.status).toBe(200);
  });

  test('delay postpones response', async () => {
    const server = await start();
    server.injectFault({ delayMs: 200 });
    const startedAt = performance.now();
    const response = await postImport(server, makeEvents(1));

    expect(response.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(190);
    expect(server.received).toHaveLength(1);
  });

  test('delay imports after client timeout', async () => {
    const server = await start();
    server.injectFault({ delayMs: 300 });
    await expect(postImport(server, makeEvents(1), { signal: AbortSignal.timeout(100) })).rejects.toThrow();

    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.received).toHaveLength(1);
  });

  test('hang times out client', async () => {
    const server = await start();
    server.injectFault({ hang: true });
    const request = postImport(server, makeEvents(1), { signal: AbortSignal.timeout(200) });

    await expect(request).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(server.requests[0]?.status).toBe(0);
    expect(server.received).toHaveLength(0);
  });

  test('close ends hung request', async () => {
    const server = await start();
    server.injectFault({ hang: true });
    const request = postImport(server, makeEvents(1));
    await waitFor(() => server.requests.length === 1);

    await server.close();
    await expect(request).rejects.toThrow();
  });

  test('destroySocket closes connection', async () => {
    const server = await start();
    server.injectFault({ destroySocket: true });

    await expect(postImport(server, makeEvents(1))).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    expect(server.received).toHaveLength(0);
  });

  test('rejectIndexes gives partial 400', async () => {
    const server = await start();
    server.injectFault({ rejectIndexes: [1] });
    const response = await postImport(server, makeEvents(3));
    const body = await readJson(response);

    expect(response.status).toBe(400);
    expect(body.num_records_imported).toBe(2);
    expect(body.failed_records?.map((record) => record.index)).toEqual([1]);
    expect(body.failed_records?.[0]?.$insert_id).toBe('insert-1');
    expect(server.received).toHaveLength(2);
  });

  test('faultPlan scripts requests', async () => {
    const seen: [number, number][] = [];
    const server = await start({
      faultPlan: (requestNumber, events) => {
        seen.push([requestNumber, events.length]);
        return requestNumber === 1 ? { status: 502 } : undefined;
      },
    });
    const first = await postImport(server, makeEvents(2));
    const second = await postImport(server, makeEvents(1));

    expect(first.status).toBe(502);
    expect(second.status).toBe(200);
    expect(seen).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });

  test('queued fault precedes faultPlan', async () => {
    const server = await start({ faultPlan: () => ({ status: 502 }) });
    server.injectFault({ status: 500 });
    const response = await postImport(server, makeEvents(1));
    expect(response.status).toBe(500);
  });
});

describe('mixpanel server control endpoints', () => {
  test('POST /__faults queues faults', async () => {
    const server = await start();
    const control = await fetch(`${server.url}/__faults`, { method: 'POST', body: JSON.stringify([{ status: 500, body: '1' }, { status: 429 }]) });
    const first = await postImport(server, makeEvents(1));
    const second = await postImport(server, makeEvents(1));

    expect(control.status).toBe(200);
    expect(first.status).toBe(500);
    expect(second.status).toBe(429);
  });

  test('POST /__faults rejects unknown key', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/__faults`, { method: 'POST', body: JSON.stringify({ statuss: 500 }) });
    expect(response.status).toBe(400);
  });

  test('POST /__faults rejects invalid JSON', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/__faults`, { method: 'POST', body: '{' });
    expect(response.status).toBe(400);
  });

  test('DELETE /__faults clears queue', async () => {
    const server = await start();
    server.injectFault({ status: 500 });
    const control = await fetch(`${server.url}/__faults`, { method: 'DELETE' });
    const response = await postImport(server, makeEvents(1));

    expect(control.status).toBe(200);
    expect(response.status).toBe(200);
  });

  test('GET /__received lists events', async () => {
    const server = await start();
    await postImport(server, makeEvents(2));
    const response = await fetch(`${server.url}/__received`);
    expect(await response.json()).toEqual(makeEvents(2));
  });

  test('GET /__unique deduplicates', async () => {
    const server = await start();
    await postImport(server, makeEvents(2));
    await postImport(server, makeEvents(2));
    const response = await fetch(`${server.url}/__unique`);
    expect(await response.json()).toHaveLength(2);
  });

  test('GET /__requests lists requests', async () => {
    const server = await start();
    await postImport(server, makeEvents(2));
    const response = await fetch(`${server.url}/__requests`);
    const requests = await readJson<{ status: number; eventCount: number }[]>(response);

    expect(requests).toHaveLength(1);
    expect(requests[0]?.status).toBe(200);
    expect(requests[0]?.eventCount).toBe(2);
  });
});

describe('mixpanel server records', () => {
  test('uniqueEvents deduplicates retries', async () => {
    const server = await start();
    await postImport(server, makeEvents(2));
    await postImport(server, [makeEvent(0, { retried: true })]);

    const unique = server.uniqueEvents();
    expect(server.received).toHaveLength(3);
    expect(unique).toHaveLength(2);
    expect(unique[0]?.properties.retried).toBe(true);
  });

  test('uniqueEvents keeps different time', async () => {
    const server = await start();
    await postImport(server, [makeEvent(0), makeEvent(0, { time: NOW - 5000 })]);
    expect(server.uniqueEvents()).toHaveLength(2);
  });

  test('uniqueEvents matches seconds and ms', async () => {
    const server = await start();
    const timeMs = NOW - 123;
    await postImport(server, [makeEvent(0, { time: timeMs - (timeMs % 1000) }), makeEvent(0, { time: Math.floor(timeMs / 1000) })]);
    expect(server.uniqueEvents()).toHaveLength(1);
  });

  test('uniqueEvents keeps events without $insert_id', async () => {
    const server = await start();
    const event = makeEvent(0, { $insert_id: undefined });
    await postImport(server, [event, event], { query: 'strict=0' });
    expect(server.uniqueEvents()).toHaveLength(2);
  });

  test('reset forgets events', async () => {
    const server = await start();
    await postImport(server, makeEvents(1));
    server.reset();
    expect(server.received).toHaveLength(0);
    expect(server.requests).toHaveLength(0);
  });

  test('recordFile gets one line per event', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'mixpanel-server-'));
    try {
      const recordFile = join(folder, 'nested', 'events.ndjson');
      const server = await start({ recordFile });
      await postImport(server, makeEvents(2));
      await postImport(server, [makeEvent(5, { time: undefined }), makeEvent(6)]);

      const lines = readFileSync(recordFile, 'utf8').trimEnd().split('\n');
      expect(lines.map((line) => JSON.parse(line))).toEqual([makeEvent(0), makeEvent(1), makeEvent(6)]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('log describes events', async () => {
    const lines: string[] = [];
    const server = await start({ log: (line) => lines.push(line) });
    await postImport(server, [makeEvent(0), makeEvent(1, { $insert_id: 'bad_id' })]);

    expect(lines).toContain('mixpanel <- [Branch] install distinct_id=user-0 time=2024-06-01T12:01:05.123Z insert_id=insert-0');
    expect(lines.some((line) => line.startsWith('mixpanel rejected index=1 insert_id=bad_id'))).toBe(true);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('legacy form bodies', () => {
  let server: Awaited<ReturnType<typeof startMixpanelServer>>;

  beforeAll(async () => {
    server = await startMixpanelServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('imports base64 JSON in the data field', async () => {
    const events = [{ event: 'legacy', properties: { time: 1717243265, distinct_id: 'u1', $insert_id: 'legacy-form-1' } }];
    const body = new URLSearchParams({ data: Buffer.from(JSON.stringify(events)).toString('base64') }).toString();

    const response = await fetch(`${server.url}/import`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });

    expect(response.status).toBe(200);
    expect(server.received.map((event) => event.event)).toEqual(['legacy']);
  });

  it('rejects a form body without data', async () => {
    const response = await fetch(`${server.url}/import`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'verbose=1' });

    expect(response.status).toBe(400);
  });
});
