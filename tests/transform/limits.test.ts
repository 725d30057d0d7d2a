import type { BranchEvent } from '../../lib/branch/event';
import type { JsonObject, JsonValue } from '../../lib/branch/json';
import type { MappingConfig } from '../../lib/config';
import { applyMixpanelLimits, DROPPED_COUNT_PROPERTY, limitValue, MAX_COLLECTION_BYTES } from '../../lib/transform/limits';
import { PropertyBuilder } from '../../lib/transform/property-builder';
import { truncateText } from '../../lib/transform/text';
import { transformBranchEvent } from '../../lib/transform/transform';
import { validateImportEvent } from '../../local/mixpanel-validation';

const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');
const REQUIRED: Array<[string, JsonValue]> = [
  ['time', receivedAt],
  ['distinct_id', 'user-1'],
  ['$insert_id', 'abc123'],
];

function event(fields: Partial<BranchEvent>): BranchEvent {
  return {
    format: 'current',
    rawName: 'custom',
    name: 'custom',
    standard: false,
    id: '1300000000000000001',
    timestamp: receivedAt - 1000,
    developerIdentity: 'user-1',
    deviceIds: [],
    device: {},
    linkData: {},
    eventFields: {},
    userFields: {},
    eventData: {},
    customData: {},
    contentItems: [],
    ...fields,
  };
}

function transform(fields: Partial<BranchEvent>) {
  return transformBranchEvent(event(fields), { mapping, receivedAt, requestId: 'r' });
}

function manyKeys(count: number, prefix = 'k'): JsonObject {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${String(i).padStart(3, '0')}`, i]));
}

function byteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

describe('property count', () => {
  test('300 custom properties cut to 254 with a count', () => {
    const { event: mixpanelEvent, droppedProperties } = transform({ customData: manyKeys(300) });
    const { properties } = mixpanelEvent;

    expect(Object.keys(properties)).toHaveLength(254);
    expect(properties[DROPPED_COUNT_PROPERTY]).toBe(droppedProperties);
    expect(droppedProperties).toBeGreaterThan(46);
    expect(validateImportEvent(mixpanelEvent, 0, receivedAt)).toBeUndefined();
  });

  test('lowest priority dropped first', () => {
    const { properties } = transform({ customData: manyKeys(300), userFields: { platform: 'IOS_APP' } }).event;

    expect(properties.time).toBe(receivedAt - 1000);
    expect(properties.$user_id).toBe('user-1');
    expect(properties.branch_event_id).toBe('1300000000000000001');
    expect(properties.k000).toBe(0);
    expect(properties).not.toHaveProperty('k299');
    expect(properties).not.toHaveProperty('branch_platform');
  });

  test('integer-like keys keep their priority', () => {
    const numbered = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [String(i), i]));
    const { event: mixpanelEvent } = transform({ customData: numbered });

    expect(mixpanelEvent.properties.time).toBe(receivedAt - 1000);
    expect(mixpanelEvent.properties.distinct_id).toBe('user-1');
    expect(validateImportEvent(mixpanelEvent, 0, receivedAt)).toBeUndefined();
  });

  test('key order of the body does not change what is dropped', () => {
    const keys = manyKeys(300);
    const reversed = Object.fromEntries(Object.entries(keys).reverse());
    expect(transform({ customData: reversed }).event).toEqual(transform({ customData: keys }).event);
  });

  test('254 properties kept without a count', () => {
    const entries: Array<[string, JsonValue]> = [...REQUIRED, ...Object.entries(manyKeys(251))];
    const { properties, dropped } = applyMixpanelLimits('e', entries);

    expect(Object.keys(properties)).toHaveLength(254);
    expect(dropped).toBe(0);
  });

  test('names equal once cut counted as dropped', () => {
    const long = 'p'.repeat(300);
    const { properties, dropped } = applyMixpanelLimits('e', [...REQUIRED, [`${long}a`, 1], [`${long}b`, 2]]);

    expect(properties['p'.repeat(255)]).toBe(1);
    expect(dropped).toBe(1);
  });
});

describe('event size', () => {
  test('event stays under 1 MB', () => {
    const big = Object.fromEntries(
      Array.from({ length: 200 }, (_, i) => [`list${String(i).padStart(3, '0')}`, Array.from({ length: 200 }, (_, j) => `item-${j}-${'é'.repeat(20)}`)]),
    );
    const { event: mixpanelEvent, droppedProperties } = transform({ customData: big });

    expect(byteLength(mixpanelEvent)).toBeLessThan(1024 * 1024);
    expect(droppedProperties).toBeGreaterThan(0);
    expect(mixpanelEvent.properties[DROPPED_COUNT_PROPERTY]).toBe(droppedProperties);
    expect(validateImportEvent(mixpanelEvent, 0, receivedAt)).toBeUndefined();
  });

  test('long event name counted in the size', () => {
    const big = Object.fromEntries(Array.from({ length: 130 }, (_, i) => [`o${i}`, { text: '\u0001'.repeat(255) }]));
    const entries: Array<[string, JsonValue]> = [...REQUIRED, ...Object.entries(big)];
    const name = '\u0001'.repeat(255);
    const { properties } = applyMixpanelLimits(name, entries);

    expect(byteLength({ event: name, properties })).toBeLessThan(1024 * 1024);
  });
});

describe('values', () => {
  test('string cut to 255 characters', () => {
    expect(limitValue('x'.repeat(300), 1)).toBe('x'.repeat(255));
  });

  test('surrogate pair never split', () => {
    const text = `${'x'.repeat(254)}😀tail`;
    expect(truncateText(text)).toBe('x'.repeat(254));
  });

  test('pair ending at 255 kept whole', () => {
    const text = `${'x'.repeat(253)}😀tail`;
    expect(truncateText(text)).toBe(`${'x'.repeat(253)}😀`);
  });

  test('lone surrogates replaced', () => {
    expect(limitValue('a\uD800b\uDC00c', 1)).toBe('a\uFFFDb\uFFFDc');
  });

  test('nulls dropped at every level', () => {
    expect(limitValue({ a: null, b: 'null', c: [1, null, 'null', 2], d: { e: null } }, 1)).toEqual({ c: [1, 2], d: {} });
  });

  test('list cut to 254 items', () => {
    expect(limitValue(Array.from({ length: 300 }, (_, i) => i), 1)).toHaveLength(254);
  });

  test('object cut to 254 keys', () => {
    expect(Object.keys(limitValue(manyKeys(300), 1) as JsonObject)).toHaveLength(254);
  });

  test('list cut to 8 KB', () => {
    const list = limitValue(Array.from({ length: 200 }, () => 'y'.repeat(100)), 1) as string[];
    expect(byteLength(list)).toBeLessThanOrEqual(MAX_COLLECTION_BYTES);
    expect(byteLength([...list, 'y'.repeat(100)])).toBeGreaterThan(MAX_COLLECTION_BYTES);
  });

  test('object cut to 8 KB measured in bytes', () => {
    const object = limitValue(manyKeys(200, '日本語のキー'), 1) as JsonObject;
    expect(byteLength(object)).toBeLessThanOrEqual(MAX_COLLECTION_BYTES);
  });

  test('three levels of objects kept', () => {
    expect(limitValue({ a: { b: { c: 1 } } }, 1)).toEqual({ a: { b: { c: 1 } } });
  });

  test('fourth level replaced by its JSON text', () => {
    expect(limitValue({ a: { b: { c: { d: 1 } } } }, 1)).toEqual({ a: { b: { c: '{"d":1}' } } });
  });

  test('long keys cut', () => {
    expect(Object.keys(limitValue({ ['k'.repeat(300)]: 1 }, 1) as JsonObject)).toEqual(['k'.repeat(255)]);
  });
});

describe('PropertyBuilder collisions', () => {
  test('source key colliding with a mapped property moves under branch_', () => {
    const builder = new PropertyBuilder();
    builder.setMapped('ip', '203.0.113.1');
    builder.addSourceFields({ ip: '10.0.0.1' });
    expect(Object.fromEntries(builder.build())).toEqual({ ip: '203.0.113.1', branch_ip: '10.0.0.1' });
  });

  test.each(['time', 'distinct_id', 'token', '$insert_id', '$ignore', 'bucket', '$device_id', '$user_id', 'mp_lib', '$mp_debug', DROPPED_COUNT_PROPERTY])(
    'reserved %s moves under branch_',
    (name) => {
      const builder = new PropertyBuilder();
      builder.addSourceFields({ [name]: 'x' });
      expect(builder.build()).toEqual([[`branch_${name}`, 'x']]);
    },
  );

  test('prefix repeated until free', () => {
    const builder = new PropertyBuilder();
    builder.setMapped('branch_event_id', '1');
    builder.addSourceFields({ event_id: 'a' }, 'branch_');
    expect(builder.build()).toEqual([
      ['branch_event_id', '1'],
      ['branch_branch_event_id', 'a'],
    ]);
  });

  test('__proto__ key kept as a property', () => {
    const builder = new PropertyBuilder();
    builder.addSourceFields(JSON.parse('{"__proto__": "x"}') as JsonObject);
    expect(builder.build()).toEqual([['__proto__', 'x']]);
  });

  test('__proto__ property reaches the event', () => {
    const { event: mixpanelEvent } = transform({ customData: JSON.parse('{"__proto__": {"polluted": 1}}') as JsonObject });
    expect(Object.hasOwn(mixpanelEvent.properties, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
