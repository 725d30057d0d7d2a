import { parseBranchBody } from '../../lib/branch/parse';
import { loadConfig, loadMappingConfig, type MappingConfig } from '../../lib/config';
import { ConfigurationError } from '../../lib/errors';
import { parseEventNameRenames } from '../../lib/transform/event-name';
import { transformBranchEvent } from '../../lib/transform/transform';
import { readCorpus } from '../helpers/corpus';

const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');

function eventName(body: string, mapping: MappingConfig): string {
  return transformBranchEvent(parseBranchBody(body), { mapping, receivedAt, requestId: 'r' }).event.event;
}

function configError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

const renames = parseEventNameRenames('{"INSTALL":"App Installed","web session start":"Web Visit","level_up_bonus_claimed":"Bonus Claimed"}');
const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified', eventNameRenames: renames };

describe('event names', () => {
  test('prefix before a standard name', () => {
    expect(eventName(readCorpus('v2-open-organic-android-mixpanel-id.json'), mapping)).toBe('[Branch] open');
  });

  test('rename replaces the prefixed name', () => {
    expect(eventName(readCorpus('v2-install-ios-paid-click.json'), mapping)).toBe('App Installed');
  });

  test('rename key read like a webhook name', () => {
    expect(eventName(readCorpus('legacy-web-session-start.json'), mapping)).toBe('Web Visit');
    expect(eventName(readCorpus('v2-web-session-start-desktop.json'), mapping)).toBe('Web Visit');
  });

  test('custom name renamed by exact match', () => {
    expect(eventName(readCorpus('v2-custom-event-custom-data.json'), mapping)).toBe('Bonus Claimed');
  });

  test('custom name of another case not renamed', () => {
    const body = JSON.stringify({ name: 'Level_Up_Bonus_Claimed', timestamp: 1717243265123 });
    expect(eventName(body, mapping)).toBe('[Branch] Level_Up_Bonus_Claimed');
  });

  test('custom prefix', () => {
    expect(eventName(readCorpus('v2-reinstall-android.json'), { eventNamePrefix: 'Branch: ', idMerge: 'simplified' })).toBe('Branch: reinstall');
  });

  test('inherited member names are not renames', () => {
    const body = JSON.stringify({ name: 'constructor', timestamp: 1717243265123 });
    expect(eventName(body, mapping)).toBe('[Branch] constructor');
  });

  test('long name cut to 255 characters', () => {
    const body = JSON.stringify({ name: 'n'.repeat(400), timestamp: 1717243265123 });
    expect(eventName(body, mapping)).toHaveLength(255);
  });
});

describe('parseEventNameRenames', () => {
  test('unset and blank mean no renames', () => {
    expect(parseEventNameRenames(undefined)).toEqual({});
    expect(parseEventNameRenames('  ')).toEqual({});
  });

  test('keys canonicalised', () => {
    expect(parseEventNameRenames('{"Add To Cart":"Cart","OPEN":"Open","my event":"Mine"}')).toEqual({
      add_to_cart: 'Cart',
      open: 'Open',
      'my event': 'Mine',
    });
  });

  test('same event twice with the same name accepted', () => {
    expect(parseEventNameRenames('{"open":"Open","OPEN":"Open"}')).toEqual({ open: 'Open' });
  });

  const invalid: Array<[string, string, string]> = [
    ['invalid JSON', '{install:"x"}', 'not valid JSON'],
    ['a list', '["install"]', 'must be a JSON object'],
    ['a string', '"install"', 'must be a JSON object'],
    ['an empty key', '{" ":"x"}', 'a Branch event name is empty'],
    ['an empty name', '{"install":" "}', 'must be a non-empty string'],
    ['a number as name', '{"install":1}', 'must be a non-empty string'],
    ['a name over 255 characters', `{"install":"${'x'.repeat(256)}"}`, 'longer than 255 characters'],
    ['one event named twice', '{"install":"A","INSTALL":"B"}', 'both name the event "install"'],
  ];

  test.each(invalid)('rejects %s', (_name, value, reason) => {
    const error = configError(() => parseEventNameRenames(value));
    expect(error.message).toContain('EVENT_NAME_RENAMES=');
    expect(error.message).toContain(JSON.stringify(value.length > 200 ? `${value.slice(0, 200)}...` : value));
    expect(error.message).toContain(reason);
  });
});

describe('mapping configuration', () => {
  test('loadMappingConfig reads renames', () => {
    const { mapping: loaded } = loadMappingConfig({ EVENT_NAME_RENAMES: '{"install":"App Installed"}', EVENT_NAME_PREFIX: '> ' });
    expect(loaded).toEqual({ eventNamePrefix: '> ', idMerge: 'simplified', eventNameRenames: { install: 'App Installed' } });
  });

  test('loadMappingConfig without renames', () => {
    expect(loadMappingConfig({}).mapping.eventNameRenames).toEqual({});
  });

  test('loadMappingConfig rejects invalid renames', () => {
    expect(configError(() => loadMappingConfig({ EVENT_NAME_RENAMES: '{"install":' })).message).toContain('EVENT_NAME_RENAMES="{\\"install\\":"');
  });

  test('loadConfig rejects invalid renames at start', () => {
    const env = { MIXPANEL_PROJECT_TOKEN: 'token', EVENT_NAME_RENAMES: '[]' };
    expect(configError(() => loadConfig(env)).message).toContain('EVENT_NAME_RENAMES="[]"');
  });

  test('loadConfig reads renames', () => {
    const config = loadConfig({ MIXPANEL_PROJECT_TOKEN: 'token', EVENT_NAME_RENAMES: '{"purchase":"Order Completed"}', MIXPANEL_ID_MERGE: 'original' });
    expect(config.mapping).toEqual({ eventNamePrefix: '[Branch] ', idMerge: 'original', eventNameRenames: { purchase: 'Order Completed' } });
  });

  test('invalid ID merge mode names the variable', () => {
    expect(configError(() => loadMappingConfig({ MIXPANEL_ID_MERGE: 'merged' })).message).toContain('MIXPANEL_ID_MERGE="merged"');
  });
});
