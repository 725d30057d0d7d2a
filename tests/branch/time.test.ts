import { parseIso8601, readEventTime } from '../../lib/branch/time';
import { InvalidEventError } from '../../lib/errors';

const MS = Date.parse('2024-06-01T12:01:05.123Z');

describe('readEventTime accepts', () => {
  const cases: Array<[string, Parameters<typeof readEventTime>[0], number]> = [
    ['epoch milliseconds', MS, MS],
    ['epoch seconds', 1717243265, 1717243265000],
    ['fractional seconds', 1717243265.123, 1717243265123],
    ['microseconds', MS * 1000, MS],
    ['nanoseconds', MS * 1e6, MS],
    ['nanoseconds as a string beyond 2^53', '1717243265123456789', 1717243265123],
    ['milliseconds as a string', String(MS), MS],
    ['seconds as a string with spaces', ' 1717243265 ', 1717243265000],
    ['grouped milliseconds', '1,717,243,265,123', 1717243265123],
    ['fractional milliseconds rounded', 1717243265123.6, 1717243265124],
    ['ISO with Z', '2024-06-01T12:01:05.123Z', MS],
    ['ISO with lower-case z', '2024-06-01t12:01:05.123z', MS],
    ['ISO with offset', '2024-06-01T14:01:05.123+02:00', MS],
    ['ISO with compact offset', '2024-06-01T07:01:05.123-0500', MS],
    ['ISO with hour offset', '2024-06-01T14:01:05.123+02', MS],
    ['ISO without offset read as UTC', '2024-06-01T12:01:05.123', MS],
    ['ISO with a space', '2024-06-01 12:01:05.123Z', MS],
    ['ISO with microseconds', '2024-06-01T12:01:05.123456Z', MS],
    ['ISO with a comma fraction', '2024-06-01T12:01:05,123Z', MS],
    ['ISO without seconds', '2024-06-01T12:01Z', Date.parse('2024-06-01T12:01:00Z')],
    ['ISO date only', '2024-06-01', Date.parse('2024-06-01T00:00:00Z')],
    ['ISO leap day', '2024-02-29T00:00:00Z', Date.parse('2024-02-29T00:00:00Z')],
  ];

  test.each(cases)('%s', (_name, value, expected) => {
    expect(readEventTime(value, 'event_timestamp')).toBe(expected);
  });
});

describe('readEventTime absent', () => {
  test.each([undefined, null, 'null', ''])('%p', (value) => {
    expect(readEventTime(value, 'timestamp')).toBeUndefined();
  });
});

describe('readEventTime rejects', () => {
  const cases: Array<[string, Parameters<typeof readEventTime>[0]]> = [
    ['zero', 0],
    ['zero as a string', '0'],
    ['negative number', -1717243265],
    ['negative string', '-1717243265'],
    ['boolean', true],
    ['object', { ms: 1 }],
    ['list', [MS]],
    ['words', 'yesterday'],
    ['words V8 would read as a date', 'test 1'],
    ['exponent string', '1.7e12'],
    ['31 February', '2024-02-31T00:00:00Z'],
    ['month 13', '2024-13-01'],
    ['hour 24', '2024-06-01T24:00:00Z'],
    ['two-digit year', '0099-01-01'],
    ['RFC 2822 date', 'Sat, 01 Jun 2024 12:01:05 GMT'],
    ['grouping of the wrong shape', '17,17,243'],
  ];

  test.each(cases)('%s', (_name, value) => {
    let error: unknown;
    try {
      readEventTime(value, 'event_timestamp');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEventError);
    expect((error as InvalidEventError).reason).toBe('invalid_time');
    expect((error as InvalidEventError).message).toContain('event_timestamp');
  });
});

describe('parseIso8601', () => {
  test('returns undefined for non-ISO text', () => {
    expect(parseIso8601('June 1, 2024')).toBeUndefined();
  });

  test('applies a negative offset with minutes', () => {
    expect(parseIso8601('2024-06-01T08:31:05.123-03:30')).toBe(MS);
  });
});
