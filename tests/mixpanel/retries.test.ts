import { LogCapture } from '../helpers/logs';
import { FakeClock, buildClient, closeServers, countStatuses, makeEvent, makeEvents, startServer } from './fixtures';

const logs = new LogCapture();

beforeEach(() => logs.start());

afterEach(async () => {
  logs.stop();
  await closeServers();
});

describe('import client backoff', () => {
  test('three 429s then success', async () => {
    const server = await startServer();
    server.injectFault({ status: 429, times: 3 });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents(makeEvents(2));

    expect(outcomes).toEqual([{ status: 'delivered' }, { status: 'delivered' }]);
    // 2 s doubling, plus the minimum jitter of 1 s because the fake random returns 0.
    expect(clock.sleeps).toEqual([3000, 5000, 9000]);
    expect(server.requests.map((request) => request.status)).toEqual([429, 429, 429, 200]);
  });

  test('logs each retry', async () => {
    const server = await startServer();
    server.injectFault({ status: 429 });

    await buildClient(server, new FakeClock()).importEvents([makeEvent(0)]);

    const retries = logs.entries().filter((entry) => entry.message === 'Mixpanel import retrying');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ reason: 'mixpanel_rate_limited', mixpanel_status: 429, batch_size: 1, attempt: 1, delay_ms: 3000 });
  });

  test('jitter follows random', async () => {
    const server = await startServer();
    server.injectFault({ status: 502 });
    const clock = new FakeClock({ randomValue: 0.5 });

    await buildClient(server, clock).importEvents([makeEvent(0)]);

    expect(clock.sleeps).toEqual([2000 + 3000]);
  });

  test('honours Retry-After seconds', async () => {
    const server = await startServer();
    server.injectFault({ status: 429, headers: { 'Retry-After': '30' } });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(clock.sleeps).toEqual([30_000]);
  });

  test('Retry-After over the cap stops', async () => {
    const server = await startServer();
    server.injectFault({ status: 503, headers: { 'Retry-After': '120' } });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_server_error', httpStatus: 503, retryAfterMs: 120_000 });
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  test('503 with body 1 then success', async () => {
    const server = await startServer();
    server.injectFault({ status: 503, body: '1', contentType: 'text/plain' });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents(makeEvents(2));

    expect(outcomes).toEqual([{ status: 'delivered' }, { status: 'delivered' }]);
    expect(clock.sleeps).toEqual([3000]);
    expect(server.uniqueEvents()).toHaveLength(2);
  });

  test('persistent 503 with body 1 stops at max retries', async () => {
    const server = await startServer();
    server.injectFault({ status: 503, body: '1', contentType: 'text/plain', times: 10 });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock, { maxRetries: 3 }).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_server_error', httpStatus: 503, attempts: 4 });
    expect(clock.sleeps).toEqual([3000, 5000, 9000]);
    expect(server.requests).toHaveLength(4);
    expect(server.received).toHaveLength(0);
  });

  test('backoff capped at max delay', async () => {
    const server = await startServer();
    server.injectFault({ status: 500, times: 7 });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock, { maxRetries: 7 }).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(clock.sleeps).toEqual([3000, 5000, 9000, 17_000, 33_000, 61_000, 61_000]);
  });

  test('retry budget shared by batches', async () => {
    const server = await startServer();
    server.injectFault({ status: 503, times: 100 });
    const clock = new FakeClock();
    const client = buildClient(server, clock, { maxBatchEvents: 1, concurrency: 1, retryBudget: 2 });

    const outcomes = await client.importEvents(makeEvents(3));

    expect(countStatuses(outcomes)).toEqual({ delivered: 0, rejected: 0, retry: 3 });
    expect(outcomes.map((outcome) => outcome.status === 'retry' && outcome.attempts)).toEqual([3, 1, 1]);
    expect(server.requests).toHaveLength(5);
    const stops = logs.entries().filter((entry) => entry.message === 'Mixpanel import gave up');
    expect(stops.map((entry) => entry.stopped_by)).toEqual(['retry_budget', 'retry_budget', 'retry_budget']);
  });

  test('429 pauses other batches', async () => {
    const server = await startServer();
    // Whichever of the first two requests arrives first is rate-limited. The other is slowed so
    // that the third batch starts while the pause is on.
    server.injectFault({ status: 429 });
    server.injectFault({ delayMs: 30 });
    const clock = new FakeClock({ realWaitMs: 100 });
    const client = buildClient(server, clock, { maxBatchEvents: 1, concurrency: 2 });

    const outcomes = await client.importEvents(makeEvents(3));

    expect(countStatuses(outcomes).delivered).toBe(3);
    expect(clock.sleeps).toHaveLength(2);
    expect(clock.sleeps[0]).toBe(3000);
    expect(clock.sleeps[1]).toBeGreaterThan(2000);
  });
});

describe('import client deadline', () => {
  test('deadline stops backoff', async () => {
    const server = await startServer();
    server.injectFault({ status: 503 });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)], { deadline: clock.now() + 1500 });

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_server_error', attempts: 1, retryAfterMs: 3000 });
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(1);
    expect(logs.entries().find((entry) => entry.message === 'Mixpanel import gave up')).toMatchObject({ stopped_by: 'deadline' });
  });

  test('past deadline sends nothing', async () => {
    const server = await startServer();
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)], { deadline: clock.now() - 1 });

    expect(outcomes[0]).toEqual({ status: 'retry', reason: 'deadline_exceeded', message: 'No time left before the deadline to call Mixpanel', attempts: 0 });
    expect(server.requests).toHaveLength(0);
  });

  test('deadline allows retry that fits', async () => {
    const server = await startServer();
    server.injectFault({ status: 429 });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)], { deadline: clock.now() + 20_000 });

    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(clock.sleeps).toEqual([3000]);
  });
});

describe('import client connection faults', () => {
  test('hung connection then success', async () => {
    const server = await startServer();
    server.injectFault({ hang: true });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)], { requestTimeoutMs: 200 });

    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(clock.sleeps).toEqual([3000]);
    expect(server.requests.map((request) => request.status)).toEqual([0, 200]);
  });

  test('hung connection within webhook deadline', async () => {
    const server = await startServer();
    server.injectFault({ hang: true });
    const clock = new FakeClock();
    const startedAt = Date.now();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)], { deadline: clock.now() + 300 });

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_timeout', attempts: 1 });
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(clock.sleeps).toEqual([]);
  });

  test('dropped connection retried at once', async () => {
    const server = await startServer();
    server.injectFault({ destroySocket: true });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(clock.sleeps).toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  test('second dropped connection backs off', async () => {
    const server = await startServer();
    server.injectFault({ destroySocket: true, times: 2 });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(clock.sleeps).toEqual([3000]);
  });

  test('refused connection returned for retry', async () => {
    const server = await startServer();
    const clock = new FakeClock();
    const client = buildClient(server, clock, { maxRetries: 2 });
    await server.close();

    const outcomes = await client.importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_network_error', attempts: 3 });
    expect(clock.sleeps).toEqual([3000]);
  });
});
