import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { MIXPANEL_REGION_HOSTS } from '../../lib/config';
import { ConfigurationError } from '../../lib/errors';
import { MixpanelImportClient } from '../../lib/mixpanel/import-client';
import { LogCapture } from '../helpers/logs';
import { FakeClock, buildClient, closeServers, makeEvent, makeEvents, mixpanelConfig, startServer } from './fixtures';

const logs = new LogCapture();

beforeEach(() => logs.start());

afterEach(async () => {
  logs.stop();
  await closeServers();
});

/** Records the calls of a `fetch` that never touches the network and returns Mixpanel's 200. */
function recordingFetch(): { fetch: typeof fetch; calls: { url: string; init: RequestInit }[] } {
  const calls: { url: string; init: RequestInit }[] = [];
  const fakeFetch: typeof fetch = async (input, init) => {
    calls.push({ url: String(input), init: init ?? {} });
    const count = (JSON.parse(gunzipSync(init?.body as Buffer).toString('utf8')) as unknown[]).length;
    return new Response(JSON.stringify({ code: 200, num_records_imported: count, status: 'OK' }), { status: 200 });
  };
  return { fetch: fakeFetch, calls };
}

describe('import transport', () => {
  test('posts to the region host', async () => {
    const { fetch: fakeFetch, calls } = recordingFetch();
    const config = mixpanelConfig(MIXPANEL_REGION_HOSTS.eu, {
      credentials: { kind: 'service_account', username: 'importer.sa', secret: 'sa-secret-91', projectId: '12345' },
    });
    const client = new MixpanelImportClient(config, { fetch: fakeFetch });

    const outcomes = await client.importEvents(makeEvents(2));

    expect(outcomes).toEqual([{ status: 'delivered' }, { status: 'delivered' }]);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('https://api-eu.mixpanel.com/import?strict=1&project_id=12345');
    expect(calls[0]!.init.method).toBe('POST');
    expect(calls[0]!.init.redirect).toBe('manual');
    expect(calls[0]!.init.headers).toMatchObject({
      authorization: `Basic ${Buffer.from('importer.sa:sa-secret-91').toString('base64')}`,
      'content-encoding': 'gzip',
      'content-type': 'application/json',
    });
    expect(JSON.parse(gunzipSync(calls[0]!.init.body as Buffer).toString('utf8'))).toEqual(makeEvents(2));
  });

  test('rejects plain HTTP to a remote host', () => {
    const { fetch: fakeFetch, calls } = recordingFetch();
    const config = mixpanelConfig('http://api.mixpanel.com');

    expect(() => new MixpanelImportClient(config, { fetch: fakeFetch })).toThrow(ConfigurationError);
    expect(calls).toHaveLength(0);
  });

  test('rejects credentials in the URL', async () => {
    const server = await startServer();
    const url = server.url.replace('http://', 'http://user:pass@');

    expect(() => new MixpanelImportClient(mixpanelConfig(url))).toThrow(ConfigurationError);
  });

  test('accepts plain HTTP to loopback', async () => {
    const server = await startServer();

    const outcomes = await new MixpanelImportClient(mixpanelConfig(server.url)).importEvents([makeEvent(0)]);

    expect(outcomes).toEqual([{ status: 'delivered' }]);
  });

  test('rejects invalid options', () => {
    const config = mixpanelConfig(MIXPANEL_REGION_HOSTS.us);

    expect(() => new MixpanelImportClient(config, {}, { maxBatchEvents: 2001 })).toThrow(ConfigurationError);
    expect(() => new MixpanelImportClient(config, {}, { maxBatchBytes: 10_000_001 })).toThrow(ConfigurationError);
    expect(() => new MixpanelImportClient(config, {}, { concurrency: 0 })).toThrow(ConfigurationError);
    expect(() => new MixpanelImportClient(config, {}, { jitterMinMs: 6000, jitterMaxMs: 5000 })).toThrow(ConfigurationError);
  });
});

/** TCP proxy on 127.0.0.1 in front of `port` that counts the connections clients open. */
async function startCountingProxy(port: number): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const proxy: Server = createServer((client) => {
    connections += 1;
    const upstream = connect(port, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

describe('import keep-alive', () => {
  test('reuses one connection across calls', async () => {
    const server = await startServer();
    const proxy = await startCountingProxy(server.port);
    const client = new MixpanelImportClient(mixpanelConfig(proxy.url), new FakeClock());

    try {
      for (let call = 0; call < 5; call += 1) {
        // Warm invocations are apart in time, and the pause lets undici return the socket to its pool.
        await new Promise((resolve) => setTimeout(resolve, 10));
        const outcomes = await client.importEvents([makeEvent(call)]);
        expect(outcomes).toEqual([{ status: 'delivered' }]);
      }

      expect(server.requests).toHaveLength(5);
      expect(proxy.connections()).toBe(1);
      expect(server.requests.every((request) => request.headers.connection === 'keep-alive')).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  test('reuses connection after a 400', async () => {
    const server = await startServer();
    const proxy = await startCountingProxy(server.port);
    server.injectFault({ rejectIndexes: [0] });
    const client = new MixpanelImportClient(mixpanelConfig(proxy.url), new FakeClock());

    try {
      await client.importEvents([makeEvent(0)]);
      await new Promise((resolve) => setTimeout(resolve, 10));
      await client.importEvents([makeEvent(1)]);

      expect(proxy.connections()).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('import credentials', () => {
  const credentials = { projectToken: 'right-token-7f1e', serviceAccountUsername: 'importer.sa', serviceAccountSecret: 'sa-secret-91', projectId: '12345' };

  test('401 returns events for retry', async () => {
    const server = await startServer({ credentials });
    const clock = new FakeClock();
    const client = buildClient(server, clock, {}, { credentials: { kind: 'project_token', token: 'wrong-token-0c4a' } });

    const outcomes = await client.importEvents(makeEvents(2));

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_auth_failed', httpStatus: 401, attempts: 1 });
    expect(outcomes[1]).toMatchObject({ status: 'retry', reason: 'mixpanel_auth_failed' });
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('401 logs likely causes', async () => {
    const server = await startServer({ credentials });
    const client = buildClient(server, new FakeClock(), {}, {
      credentials: { kind: 'service_account', username: 'importer.sa', secret: 'sa-secret-91', projectId: '99999' },
    });

    await client.importEvents([makeEvent(0)]);

    const entry = logs.entries().find((line) => line.level === 'ERROR');
    expect(entry).toMatchObject({ reason: 'mixpanel_auth_failed', credential_kind: 'service_account', project_id: '99999', mixpanel_url: server.url });
    expect(entry!.likely_causes).toEqual(expect.arrayContaining(['project_id 99999 is not the project of the service account']));
    expect(entry!.likely_causes).toEqual(expect.arrayContaining([expect.stringContaining('MIXPANEL_REGION')]));
    expect(logs.text()).not.toContain('sa-secret-91');
  });

  test('401 stops batches not yet sent', async () => {
    const server = await startServer({ credentials });
    const client = buildClient(server, new FakeClock(), { concurrency: 1 }, { credentials: { kind: 'project_token', token: 'wrong-token-0c4a' } });

    const outcomes = await client.importEvents(makeEvents(5000));

    expect(outcomes.every((outcome) => outcome.status === 'retry' && outcome.reason === 'mixpanel_auth_failed')).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  test('403 returns events for retry', async () => {
    const server = await startServer();
    server.injectFault({ status: 403, body: JSON.stringify({ error: 'project is not permitted', status: 'error' }) });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_auth_failed', httpStatus: 403 });
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  test('service account sends project_id', async () => {
    const server = await startServer({ credentials });
    const client = buildClient(server, new FakeClock(), {}, {
      credentials: { kind: 'service_account', username: 'importer.sa', secret: 'sa-secret-91', projectId: '12345' },
    });

    const outcomes = await client.importEvents([makeEvent(0)]);

    expect(outcomes).toEqual([{ status: 'delivered' }]);
    expect(server.requests[0]!.query.project_id).toBe('12345');
  });
});

describe('import options', () => {
  test('rejects invalid request timeout', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock());

    await expect(client.importEvents([makeEvent(0)], { requestTimeoutMs: 0 })).rejects.toThrow(RangeError);
    expect(server.requests).toHaveLength(0);
  });
});
