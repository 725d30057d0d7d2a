import type { BranchEvent, DeviceId } from '../../lib/branch/event';
import { parseBranchBody } from '../../lib/branch/parse';
import type { MappingConfig } from '../../lib/config';
import { isUsableId, PLACEHOLDER_IDS, resolveIdentity } from '../../lib/transform/identity';
import { transformBranchEvent } from '../../lib/transform/transform';
import { readCorpus } from '../helpers/corpus';

const simplified: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const original: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'original' };

function branchEvent(ids: { mixpanel?: string; user?: string; devices?: DeviceId[] }): BranchEvent {
  return {
    format: 'current',
    rawName: 'OPEN',
    name: 'open',
    standard: true,
    mixpanelDistinctId: ids.mixpanel,
    developerIdentity: ids.user,
    deviceIds: ids.devices ?? [],
    device: {},
    linkData: {},
    eventFields: {},
    userFields: {},
    eventData: {},
    customData: {},
    contentItems: [],
  };
}

const idfv = (value: string): DeviceId => ({ type: 'idfv', value });
const aaid = (value: string): DeviceId => ({ type: 'aaid', value });

describe('resolveIdentity simplified', () => {
  test('Mixpanel id wins and user and device ids are kept', () => {
    const { identity } = resolveIdentity(branchEvent({ mixpanel: 'mp-1', user: 'u-1', devices: [idfv('D-1')] }), simplified);
    expect(identity).toEqual({ distinct_id: 'mp-1', $user_id: 'u-1', $device_id: 'D-1' });
  });

  test('developer identity without Mixpanel id', () => {
    const { identity } = resolveIdentity(branchEvent({ user: 'u-1', devices: [idfv('D-1')] }), simplified);
    expect(identity).toEqual({ distinct_id: 'u-1', $user_id: 'u-1', $device_id: 'D-1' });
  });

  test('device id goes out with the $device: prefix', () => {
    const { identity } = resolveIdentity(branchEvent({ devices: [idfv('D-1')] }), simplified);
    expect(identity).toEqual({ distinct_id: '$device:D-1', $device_id: 'D-1' });
  });

  test('no id gives an empty distinct_id and no phantom device', () => {
    const { identity } = resolveIdentity(branchEvent({}), simplified);
    expect(identity).toEqual({ distinct_id: '' });
  });

  test('first usable device id wins', () => {
    const zero = '00000000-0000-0000-0000-000000000000';
    const { identity } = resolveIdentity(branchEvent({ devices: [idfv(zero), aaid('A-2')] }), simplified);
    expect(identity.$device_id).toBe('A-2');
  });

  test('long device id cut so the prefixed id fits', () => {
    const { identity } = resolveIdentity(branchEvent({ devices: [idfv('d'.repeat(400))] }), simplified);
    expect(identity.distinct_id).toBe(`$device:${identity.$device_id}`);
    expect(identity.distinct_id.length).toBe(255);
  });

  test('lone surrogate in an id made valid', () => {
    const { identity } = resolveIdentity(branchEvent({ user: 'u-\uD800' }), simplified);
    expect(identity.$user_id).toBe('u-\uFFFD');
  });
});

describe('resolveIdentity original', () => {
  test('Mixpanel id only', () => {
    const { identity } = resolveIdentity(branchEvent({ mixpanel: 'mp-1', user: 'u-1', devices: [idfv('D-1')] }), original);
    expect(identity).toEqual({ distinct_id: 'mp-1' });
  });

  test('developer identity only', () => {
    expect(resolveIdentity(branchEvent({ user: 'u-1', devices: [idfv('D-1')] }), original).identity).toEqual({ distinct_id: 'u-1' });
  });

  test('bare device id without prefix', () => {
    expect(resolveIdentity(branchEvent({ devices: [idfv('D-1')] }), original).identity).toEqual({ distinct_id: 'D-1' });
  });

  test('no id gives an empty distinct_id', () => {
    expect(resolveIdentity(branchEvent({}), original).identity).toEqual({ distinct_id: '' });
  });
});

describe('placeholder ids', () => {
  const placeholders = [...PLACEHOLDER_IDS, 'NULL', ' Undefined ', 'Anonymous', '0', '00000000-0000-0000-0000-000000000000', '00000000000000000000000000000000', '0000-0000'];

  test.each(placeholders)('%p is not usable', (value) => {
    expect(isUsableId(value)).toBe(false);
  });

  test.each(['user-0', '10', '0x0', 'none-such', 'a'])('%p is usable', (value) => {
    expect(isUsableId(value)).toBe(true);
  });

  test.each(placeholders)('%p as every id leaves the event without a user', (value) => {
    const event = branchEvent({ mixpanel: value, user: value, devices: [idfv(value), aaid(value)] });
    expect(resolveIdentity(event, simplified).identity).toEqual({ distinct_id: '' });
  });
});

describe('project token as $mixpanel_distinct_id', () => {
  test('ignored with a warning', () => {
    const { identity, warnings } = resolveIdentity(branchEvent({ mixpanel: 'tok123', user: 'u-1' }), simplified, 'tok123');
    expect(identity.distinct_id).toBe('u-1');
    expect(warnings).toEqual(['$mixpanel_distinct_id equals the Mixpanel project token and was ignored']);
  });

  test('ignored with surrounding spaces', () => {
    expect(resolveIdentity(branchEvent({ mixpanel: ' tok123 ' }), simplified, 'tok123').identity.distinct_id).toBe('');
  });

  test('kept when it differs from the token', () => {
    const { identity, warnings } = resolveIdentity(branchEvent({ mixpanel: 'mp-1' }), simplified, 'tok123');
    expect(identity.distinct_id).toBe('mp-1');
    expect(warnings).toEqual([]);
  });

  test('warning reaches the transform result', () => {
    const body = readCorpus('v2-open-organic-android-mixpanel-id.json');
    const result = transformBranchEvent(parseBranchBody(body), {
      mapping: simplified,
      projectToken: 'mp-3c6e0b8a-1f2d-4e5f-9a8b-7c6d5e4f3a2b',
      receivedAt: Date.parse('2024-07-01T00:00:00Z'),
      requestId: 'r',
    });
    expect(result.event.properties.distinct_id).toBe('user-000123');
    expect(result.warnings).toHaveLength(1);
  });
});

describe('identity through the transform', () => {
  const receivedAt = Date.parse('2024-07-01T00:00:00Z');

  test('original mode sends no $user_id or $device_id', () => {
    const { properties } = transformBranchEvent(parseBranchBody(readCorpus('v2-purchase-eur-content-items.json')), {
      mapping: original,
      receivedAt,
      requestId: 'r',
    }).event;
    expect(properties.distinct_id).toBe('user-000123');
    expect(properties).not.toHaveProperty('$user_id');
    expect(properties).not.toHaveProperty('$device_id');
  });

  test('same webhook twice gets the same distinct_id', () => {
    const run = () =>
      transformBranchEvent(parseBranchBody(readCorpus('v2-reinstall-android.json')), { mapping: simplified, receivedAt, requestId: 'r' }).event
        .properties.distinct_id;
    expect(run()).toBe(run());
  });
});
