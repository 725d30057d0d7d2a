import { buildRequestBody, planBatches, serializeEvents, splitBatch, type SerializedEvent } from '../../lib/mixpanel/batching';
import { MixpanelImportClient } from '../../lib/mixpanel/import-client';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { FakeClock, buildClient, closeServers, countStatuses, makeEvent, makeEvents, mixpanelConfig, startServer } from './fixtures';

afterEach(closeServers);

function sendable(events: MixpanelEvent[]): Extract<SerializedEvent, { json: string }>[] {
  return serializeEvents(events).filter((event): event is Extract<SerializedEvent, { json: string }> => 'json' in event);
}

describe('planBatches', () => {
  test('closes batches at the event limit', () => {
    const batches = planBatches(sendable(makeEvents(5000)), { maxEvents: 2000, maxBytes: 9_000_000 });

    expect(batches.map((batch) => batch.json.length)).toEqual([2000, 2000, 1000]);
  });

  test('closes batches at the byte limit', () => {
    const events = makeEvents(10, { payload: 'x'.repeat(1000) });
    const batches = planBatches(sendable(events), { maxEvents: 2000, maxBytes: 4000 });

    for (const batch of batches) expect(Buffer.byteLength(buildRequestBody(batch))).toBeLessThanOrEqual(4000);
    expect(batches.flatMap((batch) => batch.positions)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test('counts body bytes exactly', () => {
    const [batch] = planBatches(sendable([makeEvent(0, { city: 'Zürich' }), makeEvent(1)]), { maxEvents: 2000, maxBytes: 9_000_000 });

    expect(batch!.bytes).toBe(Buffer.byteLength(buildRequestBody(batch!)));
  });
});

describe('splitBatch', () => {
  test('halves in order', () => {
    const [batch] = planBatches(sendable(makeEvents(5)), { maxEvents: 2000, maxBytes: 9_000_000 });
    const [first, second] = splitBatch(batch!);

    expect(first.positions).toEqual([0, 1, 2]);
    expect(second.positions).toEqual([3, 4]);
    expect(first.bytes).toBe(Buffer.byteLength(buildRequestBody(first)));
    expect(second.bytes).toBe(Buffer.byteLength(buildRequestBody(second)));
  });
});

describe('import client batching', () => {
  test('5000 events in 3 requests', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock());

    const outcomes = await client.importEvents(makeEvents(5000));

    expect(countStatuses(outcomes)).toEqual({ delivered: 5000, rejected: 0, retry: 0 });
    expect(server.requests).toHaveLength(3);
    expect(server.requests.map((request) => request.eventCount).sort()).toEqual([1000, 2000, 2000]);
    expect(server.uniqueEvents()).toHaveLength(5000);
  });

  test('sends gzip with strict=1', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock());

    await client.importEvents(makeEvents(2));

    expect(server.requests[0]!.gzip).toBe(true);
    expect(server.requests[0]!.query.strict).toBe('1');
    expect(server.requests[0]!.headers['content-type']).toBe('application/json');
  });

  test('input over 10 MB split by bytes', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock());
    // 600 events of about 20 KB: 12 MB in all, far under the 2000-event limit.
    const events = makeEvents(600, { payload: 'p'.repeat(20_000) });
    const totalBytes = events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);

    const outcomes = await client.importEvents(events);

    expect(totalBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(countStatuses(outcomes)).toEqual({ delivered: 600, rejected: 0, retry: 0 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests.every((request) => request.status === 200)).toBe(true);
    expect(server.uniqueEvents()).toHaveLength(600);
  });

  test('rejects event too large alone', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock(), { maxBatchBytes: 10_000 });
    const events = [makeEvent(0), makeEvent(1, { payload: 'p'.repeat(20_000) }), makeEvent(2)];

    const outcomes = await client.importEvents(events);

    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: 'too_large' });
    expect(outcomes[0]).toEqual({ status: 'delivered' });
    expect(outcomes[2]).toEqual({ status: 'delivered' });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.eventCount).toBe(2);
  });

  test('rejects event not serialisable', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock());
    const broken = makeEvent(1);
    (broken.properties as Record<string, unknown>).amount = BigInt(5);

    const outcomes = await client.importEvents([makeEvent(0), broken]);

    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: 'invalid_event' });
    expect(outcomes[0]).toEqual({ status: 'delivered' });
  });

  test('bounds requests in flight', async () => {
    const server = await startServer({ faultPlan: () => ({ delayMs: 30 }) });
    let inFlight = 0;
    let maxInFlight = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    const clock = new FakeClock();
    const client = new MixpanelImportClient(mixpanelConfig(server.url), { ...clock, fetch: countingFetch }, { maxBatchEvents: 10, concurrency: 3 });

    const outcomes = await client.importEvents(makeEvents(100));

    expect(countStatuses(outcomes).delivered).toBe(100);
    expect(server.requests).toHaveLength(10);
    expect(maxInFlight).toBe(3);
  });

  test('keeps input order across batches', async () => {
    const server = await startServer();
    server.injectFault({ rejectIndexes: [7] });
    const client = buildClient(server, new FakeClock(), { maxBatchEvents: 10, concurrency: 1 });

    const outcomes = await client.importEvents(makeEvents(30));

    expect(outcomes[7]).toMatchObject({ status: 'rejected', insertId: 'evt-7' });
    expect(countStatuses(outcomes)).toEqual({ delivered: 29, rejected: 1, retry: 0 });
  });

  test('empty input sends nothing', async () => {
    const server = await startServer();
    const client = buildClient(server, new FakeClock());

    expect(await client.importEvents([])).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
