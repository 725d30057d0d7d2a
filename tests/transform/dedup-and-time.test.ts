import { parseBranchBody, parseBranchRequest } from '../../lib/branch/parse';
import type { MappingConfig } from '../../lib/config';
import { InvalidEventError } from '../../lib/errors';
import { transformBranchEvent } from '../../lib/transform/transform';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { listCorpus, readCorpus } from '../helpers/corpus';

const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');
const HOUR = 60 * 60 * 1000;

function transformBody(body: string, requestId = 'request-1', at = receivedAt): MixpanelEvent {
  return transformBranchEvent(parseBranchBody(body), { mapping, receivedAt: at, requestId }).event;
}

function dedupKey(event: MixpanelEvent): unknown[] {
  const { properties } = event;
  return [event.event, properties.distinct_id, properties.time, properties.$insert_id];
}

function timeError(run: () => unknown): InvalidEventError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected invalid_time');
}

describe('$insert_id format', () => {
  test.each(listCorpus())('%s has 32 hex characters', (name) => {
    expect(transformBody(readCorpus(name)).properties.$insert_id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('deduplication keys', () => {
  // A Branch retry is a new request; a replay from the queue reuses the stored request id and receive time.
  test.each(listCorpus())('%s retried by Branch is identical', (name) => {
    const first = transformBody(readCorpus(name), 'request-1');
    if (first.properties.branch_time_source === 'received') return;
    const retry = transformBody(readCorpus(name), 'request-2', receivedAt + 5000);
    expect(dedupKey(retry)).toEqual(dedupKey(first));
  });

  test.each(listCorpus())('%s replayed is identical', (name) => {
    expect(dedupKey(transformBody(readCorpus(name), 'request-1'))).toEqual(dedupKey(transformBody(readCorpus(name), 'request-1')));
  });

  test('Branch event id hashed, not the body', () => {
    const body = JSON.parse(readCorpus('v2-reinstall-android.json')) as Record<string, unknown>;
    const retried = { ...body, custom_data: { retry: 'yes' } };
    expect(transformBody(JSON.stringify(retried)).properties.$insert_id).toBe(transformBody(JSON.stringify(body)).properties.$insert_id);
  });

  test('two events of one user in one millisecond differ', () => {
    const base = { name: 'PURCHASE', timestamp: 1717243265123, user_data: { developer_identity: 'user-1' } };
    const first = transformBody(JSON.stringify({ ...base, id: '1300000000000000001' }));
    const second = transformBody(JSON.stringify({ ...base, id: '1300000000000000002' }));
    expect(first.properties.$insert_id).not.toBe(second.properties.$insert_id);
  });

  test('two legacy events of one user in one millisecond differ', () => {
    const base = { event_timestamp: '2018-08-14T19:02:11.337Z', identity: 'user-1', metadata: { item: 'A' } };
    const first = transformBody(JSON.stringify({ ...base, event: 'purchase' }));
    const second = transformBody(JSON.stringify({ ...base, event: 'add_to_cart' }));
    const third = transformBody(JSON.stringify({ ...base, event: 'purchase', metadata: { item: 'B' } }));
    expect(new Set([first, second, third].map((event) => event.properties.$insert_id)).size).toBe(3);
  });

  test('legacy event without time differs per request', () => {
    const first = transformBody(readCorpus('legacy-open-seed-example.json'), 'request-1');
    const second = transformBody(readCorpus('legacy-open-seed-example.json'), 'request-2');
    expect(first.properties.$insert_id).not.toBe(second.properties.$insert_id);
  });

  test('legacy event with time is the same across requests', () => {
    const first = transformBody(readCorpus('legacy-web-session-start.json'), 'request-1');
    const second = transformBody(readCorpus('legacy-web-session-start.json'), 'request-2');
    expect(second.properties.$insert_id).toBe(first.properties.$insert_id);
  });

  test('placeholder Branch id falls back to the event hash', () => {
    const body = (id: string, item: string) => JSON.stringify({ name: 'OPEN', id, timestamp: 1717243265123, custom_data: { item } });
    expect(transformBody(body('0', 'A')).properties.$insert_id).not.toBe(transformBody(body('0', 'B')).properties.$insert_id);
  });

  test('same event as JSON and as query string shares the insert id', () => {
    const json = transformBody(readCorpus('v2-purchase-eur-content-items.json'));
    const query = { name: 'PURCHASE', id: '1300000000000000006', event_timestamp: '1717502399000', 'user_data.developer_identity': 'user-000123' };
    const flat = transformBranchEvent(parseBranchRequest({ method: 'GET', body: '', query }), { mapping, receivedAt, requestId: 'other' }).event;
    expect(dedupKey(flat)).toEqual(dedupKey(json));
  });
});

describe('event time', () => {
  const body = (fields: Record<string, unknown>) => JSON.stringify({ name: 'OPEN', id: '1', ...fields });

  test('seconds emitted as integer milliseconds', () => {
    expect(transformBody(body({ timestamp: 1717243265 })).properties.time).toBe(1717243265000);
  });

  test('microseconds detected', () => {
    expect(transformBody(body({ timestamp: 1717243265123456 })).properties.time).toBe(1717243265123);
  });

  test('nanoseconds detected', () => {
    expect(transformBody(body({ event_timestamp: '1717243265123456789' })).properties.time).toBe(1717243265123);
  });

  test('event_timestamp preferred over timestamp', () => {
    expect(transformBody(body({ event_timestamp: 1717243265000, timestamp: 1717243299999 })).properties.time).toBe(1717243265000);
  });

  test('exactly one hour ahead accepted', () => {
    expect(transformBody(body({ timestamp: receivedAt + HOUR })).properties.time).toBe(receivedAt + HOUR);
  });

  test('more than one hour ahead is invalid_time', () => {
    const error = timeError(() => transformBody(body({ timestamp: receivedAt + HOUR + 1 })));
    expect(error.reason).toBe('invalid_time');
    expect(error.permanent).toBe(true);
  });

  test('before 1971 is invalid_time', () => {
    expect(timeError(() => transformBody(body({ timestamp: Date.UTC(1970, 11, 31) }))).reason).toBe('invalid_time');
  });

  test('seconds before 1971 are invalid_time', () => {
    expect(timeError(() => transformBody(body({ timestamp: 86_400 }))).reason).toBe('invalid_time');
  });

  test('zero is invalid_time', () => {
    expect(timeError(() => transformBody(body({ event_timestamp: 0 }))).reason).toBe('invalid_time');
  });

  test('invalid event_timestamp never falls back to timestamp', () => {
    expect(timeError(() => transformBody(body({ event_timestamp: 'soon', timestamp: 1717243265123 }))).reason).toBe('invalid_time');
  });

  test('legacy ISO time in the future is invalid_time', () => {
    const legacy = JSON.stringify({ event: 'open', event_timestamp: '2030-01-01T00:00:00Z' });
    expect(timeError(() => transformBody(legacy)).reason).toBe('invalid_time');
  });

  test('receive time only without an event time', () => {
    const { properties } = transformBody(JSON.stringify({ name: 'OPEN', id: '1' }));
    expect(properties.time).toBe(receivedAt);
    expect(properties.branch_time_source).toBe('received');
  });
});
