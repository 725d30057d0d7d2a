import { validateImportEvent } from '../../local/mixpanel-validation';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const HOUR = 60 * 60 * 1000;

function event(properties: Record<string, unknown> = {}, name: unknown = '[Branch] install'): Record<string, unknown> {
  return {
    event: name,
    properties: { time: NOW - 1000, distinct_id: 'user-1', $insert_id: 'a1b2c3', ...properties },
  };
}

function withoutProperty(key: string): Record<string, unknown> {
  const base = event();
  const properties = { ...(base.properties as Record<string, unknown>) };
  delete properties[key];
  return { ...base, properties };
}

function manyProperties(count: number): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  // The three required properties count towards the limit.
  for (let i = 0; i < count - 3; i += 1) extra[`p${i}`] = i;
  return event(extra);
}

function objectWithKeys(count: number): Record<string, number> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));
}

describe('validateImportEvent accepts', () => {
  const cases: [string, unknown][] = [
    ['time in milliseconds', event()],
    ['time in seconds', event({ time: Math.floor(NOW / 1000) - 60 })],
    ['time exactly 1 hour ahead', event({ time: NOW + HOUR })],
    ['time on 1971-01-01', event({ time: Date.UTC(1971, 0, 1) })],
    ['empty distinct_id', event({ distinct_id: '' })],
    ['event name over 255 characters', event({}, 'e'.repeat(300))],
    ['property name over 255 characters', event({ ['p'.repeat(300)]: 1 })],
    ['254 properties', manyProperties(254)],
    ['36-character $insert_id', event({ $insert_id: 'A'.repeat(18) + '-'.repeat(2) + '9'.repeat(16) })],
    ['objects 3 levels deep', event({ nested: { a: { b: { c: 1 } } } })],
    ['object with 254 keys', event({ nested: objectWithKeys(254) })],
    ['list with 254 items', event({ list: Array.from({ length: 254 }, (_, i) => i) })],
    ['paired surrogates', event({ emoji: '\u{1F600}' })],
  ];

  test.each(cases)('%s', (_name, input) => {
    expect(validateImportEvent(input, 0, NOW)).toBeUndefined();
  });
});

describe('validateImportEvent rejects', () => {
  const cases: [string, unknown, string, string][] = [
    ['record that is not an object', 42, 'event', "'event' is invalid: record must be a JSON object"],
    ['missing event', { properties: event().properties }, 'event', "'event' is invalid: must not be missing"],
    ['event that is a number', event({}, 7), 'event', "'event' is invalid: must be a string"],
    ['empty event', event({}, ''), 'event', "'event' is invalid: must not be empty"],
    ['missing properties', { event: 'x' }, 'properties', "'properties' is invalid: must not be missing"],
    ['properties that are a list', { event: 'x', properties: [] }, 'properties', "'properties' is invalid: must be a JSON object"],
    ['missing time', withoutProperty('time'), 'properties.time', "'properties.time' is invalid: must not be missing"],
    ['time as a string', event({ time: String(NOW) }), 'properties.time', "'properties.time' is invalid: must be specified as seconds since epoch"],
    ['fractional time', event({ time: NOW + 0.5 }), 'properties.time', "'properties.time' is invalid: must be specified as seconds since epoch"],
    ['time before 1971', event({ time: 1000 }), 'properties.time', "'properties.time' is invalid: must be specified as seconds since epoch"],
    ['negative time', event({ time: -5 }), 'properties.time', "'properties.time' is invalid: must be specified as seconds since epoch"],
    ['time over 1 hour ahead', event({ time: NOW + HOUR + 1 }), 'properties.time', "'properties.time' is invalid: must not be more than 1 hour in the future"],
    ['missing distinct_id', withoutProperty('distinct_id'), 'properties.distinct_id', "'properties.distinct_id' is invalid: must not be missing"],
    ['numeric distinct_id', event({ distinct_id: 12 }), 'properties.distinct_id', "'properties.distinct_id' is invalid: must be a string"],
    ['placeholder distinct_id', event({ distinct_id: 'null' }), 'properties.distinct_id', "'properties.distinct_id' is invalid: 'null' is a disallowed placeholder value"],
    ['upper-case placeholder', event({ distinct_id: 'Anonymous' }), 'properties.distinct_id', "'properties.distinct_id' is invalid: 'Anonymous' is a disallowed placeholder value"],
    ['zero UUID distinct_id', event({ distinct_id: '00000000-0000-0000-0000-000000000000' }), 'properties.distinct_id', "'properties.distinct_id' is invalid: '00000000-0000-0000-0000-000000000000' is a disallowed placeholder value"],
    ['missing $insert_id', withoutProperty('$insert_id'), 'properties.$insert_id', "'properties.$insert_id' is invalid: must not be missing"],
    ['empty $insert_id', event({ $insert_id: '' }), 'properties.$insert_id', `'properties.$insert_id' is invalid: must be 1 to 36 characters of A-Z, a-z, 0-9 or "-"`],
    ['37-character $insert_id', event({ $insert_id: 'a'.repeat(37) }), 'properties.$insert_id', `'properties.$insert_id' is invalid: must be 1 to 36 characters of A-Z, a-z, 0-9 or "-"`],
    ['$insert_id with underscore', event({ $insert_id: 'a_b' }), 'properties.$insert_id', `'properties.$insert_id' is invalid: must be 1 to 36 characters of A-Z, a-z, 0-9 or "-"`],
    ['placeholder $insert_id', event({ $insert_id: '-1' }), 'properties.$insert_id', "'properties.$insert_id' is invalid: '-1' is a disallowed placeholder value"],
    ['255 properties', manyProperties(255), 'properties', "'properties' is invalid: must have fewer than 255 properties"],
    ['objects 4 levels deep', event({ nested: { a: { b: { c: { d: 1 } } } } }), 'properties.nested', "'properties.nested' is invalid: object nesting depth must be at most 3"],
    ['object with 255 keys', event({ nested: objectWithKeys(255) }), 'properties.nested', "'properties.nested' is invalid: object must have fewer than 255 keys"],
    ['list with 255 items', event({ list: Array.from({ length: 255 }, (_, i) => i) }), 'properties.list', "'properties.list' is invalid: list must have fewer than 255 items"],
    ['lone surrogate in a value', event({ utm_source: 'a\uD800b' }), 'properties.utm_source', "'properties.utm_source' is invalid: string should be valid utf8"],
    ['event of 1MB', event({ blob: 'x'.repeat(1024 * 1024) }), 'properties', "'properties' is invalid: event must be smaller than 1MB of uncompressed JSON"],
  ];

  test.each(cases)('%s', (_name, input, field, message) => {
    const failure = validateImportEvent(input, 3, NOW);
    expect(failure?.field).toBe(field);
    expect(failure?.message).toBe(message);
  });
});

describe('validateImportEvent failed record', () => {
  test('carries index and $insert_id', () => {
    const failure = validateImportEvent(event({ time: undefined, $insert_id: 'abc-123' }), 7, NOW);
    expect(failure?.index).toBe(7);
    expect(failure?.$insert_id).toBe('abc-123');
  });

  test('omits $insert_id when absent', () => {
    const failure = validateImportEvent(withoutProperty('$insert_id'), 0, NOW);
    expect(failure).toBeDefined();
    expect(failure).not.toHaveProperty('$insert_id');
  });
});
