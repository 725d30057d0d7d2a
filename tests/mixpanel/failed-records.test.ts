import { matchFailedRecords, readFailedRecords } from '../../lib/mixpanel/failed-records';

const INSERT_IDS = ['evt-0', 'evt-1', 'evt-2', 'evt-2'];

describe('readFailedRecords', () => {
  test('reads both insert id keys', () => {
    const rows = readFailedRecords([
      { index: 0, insert_id: 'evt-0', field: 'properties.time', message: 'bad time' },
      { index: 1, $insert_id: 'evt-1', field: 'properties.distinct_id', message: 'bad id' },
    ]);

    expect(rows[0]).toEqual({ index: 0, insertId: 'evt-0', field: 'properties.time', message: 'bad time' });
    expect(rows[1]).toEqual({ index: 1, insertId: 'evt-1', field: 'properties.distinct_id', message: 'bad id' });
  });

  test('survives malformed rows', () => {
    expect(readFailedRecords([null, 'text', { index: 1.5 }])).toEqual([
      { message: 'rejected by Mixpanel' },
      { message: 'rejected by Mixpanel' },
      { message: 'rejected by Mixpanel' },
    ]);
  });
});

describe('matchFailedRecords', () => {
  test('matches by index first', () => {
    const { byPosition, unmatched } = matchFailedRecords([{ index: 1, insertId: 'evt-0', message: 'bad' }], INSERT_IDS);

    expect([...byPosition.keys()]).toEqual([1]);
    expect(unmatched).toEqual([]);
  });

  test('falls back to insert id', () => {
    const { byPosition } = matchFailedRecords([{ insertId: 'evt-1', message: 'bad' }], INSERT_IDS);

    expect([...byPosition.keys()]).toEqual([1]);
  });

  test('ambiguous insert id unmatched', () => {
    const { byPosition, unmatched } = matchFailedRecords([{ insertId: 'evt-2', message: 'bad' }], INSERT_IDS);

    expect(byPosition.size).toBe(0);
    expect(unmatched).toHaveLength(1);
  });

  test('index out of range unmatched', () => {
    const { unmatched } = matchFailedRecords([{ index: 4, message: 'bad' }], INSERT_IDS);

    expect(unmatched).toHaveLength(1);
  });

  test('duplicate rows count once', () => {
    const { byPosition } = matchFailedRecords([{ index: 0, message: 'first' }, { index: 0, message: 'second' }], INSERT_IDS);

    expect(byPosition.size).toBe(1);
    expect(byPosition.get(0)!.message).toBe('first');
  });
});
