import { LogCapture } from '../helpers/logs';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { FakeClock, buildClient, closeServers, countStatuses, makeEvent, makeEvents, startServer, undeliveredPositions } from './fixtures';

const logs = new LogCapture();

beforeEach(() => logs.start());

afterEach(async () => {
  logs.stop();
  await closeServers();
});

function logEntry(message: string): Record<string, unknown> | undefined {
  return logs.entries().find((entry) => entry.message === message);
}

describe('import client success', () => {
  test('200 delivers every event', async () => {
    const server = await startServer();
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents(makeEvents(3));

    expect(outcomes).toEqual([{ status: 'delivered' }, { status: 'delivered' }, { status: 'delivered' }]);
    expect(clock.sleeps).toEqual([]);
  });

  test('200 with count mismatch', async () => {
    const server = await startServer();
    server.injectFault({ status: 200, body: JSON.stringify({ code: 200, num_records_imported: 1, status: 'OK' }) });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(makeEvents(2));

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_count_mismatch', httpStatus: 200 });
    expect(outcomes[1]).toMatchObject({ status: 'retry', reason: 'mixpanel_count_mismatch' });
    expect(server.requests).toHaveLength(1);
    expect(logEntry('Mixpanel response not recognised')).toMatchObject({ level: 'ERROR', reason: 'mixpanel_count_mismatch', mixpanel_status: 200 });
  });

  test('200 with body 1 is not delivered', async () => {
    const server = await startServer();
    server.injectFault({ status: 200, body: '1', contentType: 'text/plain' });

    const outcomes = await buildClient(server, new FakeClock()).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_unexpected_response', httpStatus: 200, attempts: 1 });
    expect(server.requests).toHaveLength(1);
  });

  test('redirect is not followed', async () => {
    const server = await startServer();
    server.injectFault({ status: 307, body: '', headers: { location: `${server.url}/import?strict=1` } });

    const outcomes = await buildClient(server, new FakeClock()).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'retry', reason: 'mixpanel_unexpected_response', httpStatus: 307 });
    expect(server.requests).toHaveLength(1);
  });
});

describe('import client partial 400', () => {
  test('2000-event batch rejects only failed rows', async () => {
    const server = await startServer();
    server.injectFault({ rejectIndexes: [0, 999, 1999] });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents(makeEvents(2000));

    expect(undeliveredPositions(outcomes)).toEqual([0, 999, 1999]);
    expect(outcomes[999]).toEqual({
      status: 'rejected',
      reason: 'mixpanel_validation_failed',
      field: 'properties',
      message: "'properties' is invalid: rejected by an injected fault",
      insertId: 'evt-999',
      httpStatus: 400,
    });
    expect(server.requests).toHaveLength(1);
    expect(server.uniqueEvents()).toHaveLength(1997);
    expect(clock.sleeps).toEqual([]);
  });

  test('strict validation error kept per event', async () => {
    const server = await startServer();
    const events = [makeEvent(0), makeEvent(1, { distinct_id: 'anon' }), makeEvent(2)];

    const outcomes = await buildClient(server, new FakeClock()).importEvents(events);

    expect(outcomes[1]).toMatchObject({ status: 'rejected', field: 'properties.distinct_id', insertId: 'evt-1' });
    expect(countStatuses(outcomes)).toEqual({ delivered: 2, rejected: 1, retry: 0 });
  });

  test('logs failed records', async () => {
    const server = await startServer();
    server.injectFault({ rejectIndexes: [1] });

    await buildClient(server, new FakeClock()).importEvents(makeEvents(3));

    const entry = logEntry('Mixpanel rejected events');
    expect(entry).toMatchObject({ level: 'WARN', mixpanel_status: 400, batch_size: 3, rejected_count: 1 });
    expect(entry!.failed_records).toEqual([
      { index: 1, insert_id: 'evt-1', field: 'properties', message: "'properties' is invalid: rejected by an injected fault" },
    ]);
  });

  test.each([['insert_id'], ['$insert_id']])('row matched by %s alone', async (key) => {
    const server = await startServer();
    const body = {
      code: 400,
      error: 'some data points in the request failed validation',
      status: 'Bad Request',
      num_records_imported: 2,
      failed_records: [{ [key]: 'evt-1', field: 'properties.time', message: "'properties.time' is invalid: must not be missing" }],
    };
    server.injectFault({ status: 400, body: JSON.stringify(body) });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(makeEvents(3));

    expect(undeliveredPositions(outcomes)).toEqual([1]);
    expect(outcomes[1]).toMatchObject({ status: 'rejected', field: 'properties.time', insertId: 'evt-1' });
  });

  test('unmatched rows return rest for retry', async () => {
    const server = await startServer();
    const body = {
      code: 400,
      error: 'some data points in the request failed validation',
      status: 'Bad Request',
      num_records_imported: 1,
      failed_records: [
        { index: 0, insert_id: 'evt-0', field: 'properties.time', message: 'invalid' },
        { insert_id: 'not-in-batch', field: 'properties.time', message: 'invalid' },
      ],
    };
    server.injectFault({ status: 400, body: JSON.stringify(body) });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(makeEvents(3));

    expect(outcomes[0]).toMatchObject({ status: 'rejected' });
    expect(outcomes[1]).toMatchObject({ status: 'retry', reason: 'mixpanel_count_mismatch' });
    expect(outcomes[2]).toMatchObject({ status: 'retry', reason: 'mixpanel_count_mismatch' });
    expect(logEntry('Mixpanel failed_records do not match the batch')).toMatchObject({ level: 'ERROR', num_records_imported: 1, expected_records: 2 });
  });
});

describe('import client 400 without rows', () => {
  const error400 = JSON.stringify({ code: 400, error: 'invalid request body', status: 'Bad Request' });

  function isPoisoned(event: unknown): boolean {
    return (event as MixpanelEvent).properties.poison === true;
  }

  test('isolates the rejected event', async () => {
    const server = await startServer({ faultPlan: (_, events) => (events.some(isPoisoned) ? { status: 400, body: error400 } : undefined) });
    const events = makeEvents(8);
    events[5] = makeEvent(5, { poison: true });
    const clock = new FakeClock();

    const outcomes = await buildClient(server, clock).importEvents(events);

    expect(undeliveredPositions(outcomes)).toEqual([5]);
    expect(outcomes[5]).toMatchObject({ status: 'rejected', reason: 'mixpanel_bad_request', httpStatus: 400, message: 'Mixpanel responded 400: invalid request body' });
    // 8 -> 4 + 4 -> 2 + 2 -> 1 + 1: one request per batch tried.
    expect(server.requests).toHaveLength(7);
    expect(server.uniqueEvents()).toHaveLength(7);
    expect(clock.sleeps).toEqual([]);
  });

  test('isolates two rejected events', async () => {
    const server = await startServer({ faultPlan: (_, events) => (events.some(isPoisoned) ? { status: 400, body: error400 } : undefined) });
    const events = makeEvents(16);
    events[2] = makeEvent(2, { poison: true });
    events[13] = makeEvent(13, { poison: true });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(events);

    expect(undeliveredPositions(outcomes)).toEqual([2, 13]);
    expect(server.uniqueEvents()).toHaveLength(14);
    expect(server.requests.length).toBeLessThanOrEqual(2 * 16 - 1);
  });

  test('single event rejected without split', async () => {
    const server = await startServer();
    server.injectFault({ status: 400, body: error400 });

    const outcomes = await buildClient(server, new FakeClock()).importEvents([makeEvent(0)]);

    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: 'mixpanel_bad_request' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('import client 413', () => {
  const html413 = '<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body><center><h1>413 Request Entity Too Large</h1></center></body>\r\n</html>';

  test('HTML 413 splits and resends', async () => {
    const server = await startServer();
    server.injectFault({ status: 413, body: html413, contentType: 'text/html' });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(makeEvents(4));

    expect(countStatuses(outcomes)).toEqual({ delivered: 4, rejected: 0, retry: 0 });
    expect(server.requests.map((request) => [request.status, request.eventCount])).toEqual([
      [413, 4],
      [200, 2],
      [200, 2],
    ]);
  });

  test('event too large alone rejected', async () => {
    const server = await startServer();
    server.injectFault({ status: 413, body: html413, contentType: 'text/html', times: 3 });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(makeEvents(2));

    expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: 'too_large', httpStatus: 413 });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: 'too_large', httpStatus: 413 });
    expect(server.requests).toHaveLength(3);
  });

  test('JSON 413 splits and resends', async () => {
    const server = await startServer();
    server.injectFault({ status: 413 });

    const outcomes = await buildClient(server, new FakeClock()).importEvents(makeEvents(3));

    expect(countStatuses(outcomes).delivered).toBe(3);
    expect(server.requests).toHaveLength(3);
  });
});
