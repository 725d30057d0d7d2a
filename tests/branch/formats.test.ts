import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STANDARD_EVENT_NAMES } from '../../lib/branch/event-names';
import { parseJsonLossless, type JsonValue } from '../../lib/branch/json';
import { parseBranchBody } from '../../lib/branch/parse';
import type { MappingConfig } from '../../lib/config';
import { transformBranchEvent } from '../../lib/transform/transform';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { readCorpus } from '../helpers/corpus';

const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');

function readFixture(name: string): string {
  return readFileSync(join(__dirname, 'fixtures', name), 'utf8');
}

function transformBody(body: string, requestId = 'request-1'): MixpanelEvent {
  return transformBranchEvent(parseBranchBody(body), { mapping, receivedAt, requestId }).event;
}

// A current-format body as Branch sends it for an app event, with the name and extra fields given.
function currentBody(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    name,
    id: '1300000000000000500',
    timestamp: 1717243265123,
    attributed: false,
    user_data: { os: 'ANDROID', os_version: '34', aaid: '3f9a2c1e-7b4d-4e8a-9c0f-5d6e7f8a9b0c', ip: '198.51.100.1' },
    ...extra,
  });
}

describe('legacy format eras', () => {
  test('2015 body without event time uses receive time', () => {
    const { event, properties } = transformBody(readCorpus('legacy-open-2015-null-link-data.json'));

    expect(event).toBe('[Branch] open');
    expect(properties.time).toBe(receivedAt);
    expect(properties.branch_time_source).toBe('received');
    expect(properties.branch_link_date).toBe('2015-04-27T18:25:36.402Z');
    expect(properties).not.toHaveProperty('~campaign');
  });

  test('2016 click with link data and query', () => {
    const { event, properties } = transformBody(readFixture('legacy-click-2016.json'));

    expect(event).toBe('[Branch] click');
    expect(properties.time).toBe(Date.parse('2016-11-02T15:21:07.120Z'));
    expect(properties.branch_time_source).toBe('event');
    expect(properties.branch_link_source).toBe('link');
    expect(properties['~id']).toBe('345678901234567890');
    expect(properties['~campaign']).toBe('autumn_2016');
    expect(properties['~alias']).toBe('autumn');
    expect(properties['~tags']).toEqual(['autumn', 'email']);
    expect(properties.utm_source).toBe('email');
    expect(properties.utm_medium).toBe('marketing');
    expect(properties['$og_title']).toBe('Herbstangebote – 20 % Rabatt');
    expect(properties.branch_query).toEqual({ utm_source: 'newsletter', promo: 'autumn & friends #2' });
    expect(properties.branch_link_domain).toBe('links.example.com');
    expect(properties.branch_user_agent).toContain('iPhone OS 10_1');
    expect(properties.ip).toBe('2001:db8:85a3::8a2e:370:7334');
    expect(properties.referred).toBe(true);
    expect(properties.distinct_id).toBe('$device:333444555666777888');
  });

  test('2017 referred session with limited ad tracking', () => {
    const { event, properties } = transformBody(readFixture('legacy-referred-session-2017.json'));

    expect(event).toBe('[Branch] referred_session');
    expect(properties.branch_event_name).toBe('referred session');
    expect(properties.time).toBe(Date.parse('2017-03-14T08:30:00Z'));
    expect(properties.distinct_id).toBe('user-000789');
    expect(properties.$user_id).toBe('user-000789');
    expect(properties).not.toHaveProperty('$device_id');
    expect(properties.branch_link_source).toBe('session_referring');
    expect(properties['~campaign']).toBe('spring_referrals');
    expect(properties.utm_content).toBe('invite_card_v3');
    expect(properties['+is_first_session']).toBe(false);
    expect(properties.reinstall).toBe('false');
    expect(properties).not.toHaveProperty('~tags');
  });

  test('2018 install reads ISO event time, not the link date', () => {
    const { properties } = transformBody(readCorpus('legacy-install-referred-ad-2018.json'));

    expect(properties.time).toBe(Date.parse('2018-06-27T17:06:05.665Z'));
    expect(properties.branch_link_date).toBe('2017-09-07T21:08:17.868Z');
  });

  test('custom event state merged into metadata', () => {
    const { event, properties } = transformBody(readCorpus('legacy-custom-event-with-state.json'));

    expect(event).toBe('[Branch] purchase');
    expect(properties.city).toBe('Chicago');
    expect(properties.gift).toBe(true);
    expect(properties.branch_link_source).toBe('first_referring');
    expect(properties['~feature']).toBe('referral');
  });

  test('web session start with spaces', () => {
    expect(transformBody(readCorpus('legacy-web-session-start.json')).event).toBe('[Branch] web_session_start');
  });

  test('legacy Mixpanel id from metadata', () => {
    const body = JSON.stringify({ event: 'open', metadata: { $mixpanel_distinct_id: 'mp-legacy-1', ip: '203.0.113.1' } });
    const { properties } = transformBody(body);

    expect(properties.distinct_id).toBe('mp-legacy-1');
    expect(properties).not.toHaveProperty('$mixpanel_distinct_id');
  });
});

describe('current format event names', () => {
  test.each([...STANDARD_EVENT_NAMES])('%s in upper case', (name) => {
    expect(transformBody(currentBody(name.toUpperCase())).event).toBe(`[Branch] ${name}`);
  });

  test.each([...STANDARD_EVENT_NAMES])('%s with spaces', (name) => {
    const { event, properties } = transformBody(currentBody(` ${name.replace(/_/g, ' ')} `));
    expect(event).toBe(`[Branch] ${name}`);
    expect(properties.branch_event_name).toBe(` ${name.replace(/_/g, ' ')} `);
  });

  test('dashes read as underscores', () => {
    expect(transformBody(currentBody('Add-To-Cart')).event).toBe('[Branch] add_to_cart');
  });

  test('custom name passes through', () => {
    expect(transformBody(currentBody('Level Up Bonus')).event).toBe('[Branch] Level Up Bonus');
  });

  test('custom name with Unicode', () => {
    expect(transformBody(currentBody('niveau_terminé_🎉')).event).toBe('[Branch] niveau_terminé_🎉');
  });
});

describe('current format events', () => {
  test('organic open without touch data', () => {
    const { properties } = transformBody(currentBody('OPEN'));

    expect(properties.referred).toBe(false);
    expect(properties).not.toHaveProperty('utm_source');
    expect(properties).not.toHaveProperty('branch_touch_type');
    expect(properties.distinct_id).toBe('$device:3f9a2c1e-7b4d-4e8a-9c0f-5d6e7f8a9b0c');
  });

  test('web pageview with browser fingerprint', () => {
    const body = JSON.stringify({
      name: 'PAGEVIEW',
      id: '1300000000000000501',
      timestamp: 1717243265123,
      user_data: { os: 'WINDOWS', browser: 'Firefox', browser_fingerprint_id: 'FINGERPRINT', http_referrer: 'https://search.example/' },
    }).replace('"FINGERPRINT"', '1122334455667788990');
    const { event, properties } = transformBody(body);

    expect(event).toBe('[Branch] pageview');
    expect(properties.$os).toBe('Windows');
    expect(properties.$device_id).toBe('1122334455667788990');
    expect(properties.$referrer).toBe('https://search.example/');
  });

  test('commerce event with event data', () => {
    const { properties } = transformBody(
      currentBody('ADD_TO_CART', { event_data: { revenue: 12, currency: 'USD', coupon: 'X' }, content_items: [{ $sku: 'A', $quantity: 2 }] }),
    );

    expect(properties.revenue_usd).toBe(12);
    expect(properties.coupon).toBe('X');
    expect(properties.content_items).toEqual([{ $sku: 'A', $quantity: 2 }]);
  });

  test('lifecycle event with developer identity', () => {
    const { properties } = transformBody(currentBody('LOGIN', { user_data: { developer_identity: 'user-1', idfv: 'V-1' } }));

    expect(properties.distinct_id).toBe('user-1');
    expect(properties.$device_id).toBe('V-1');
  });
});

describe('type quirks', () => {
  test('content items as one object', () => {
    const { properties } = transformBody(currentBody('PURCHASE', { content_items: { $sku: 'ONE', $price: 5 } }));
    expect(properties.content_items).toEqual([{ $sku: 'ONE', $price: 5 }]);
  });

  test('content item nesting flattened to JSON text', () => {
    const { properties } = transformBody(currentBody('PURCHASE', { content_items: [{ $sku: 'A', $keywords: ['x', 'y'] }] }));
    expect(properties.content_items).toEqual([{ $sku: 'A', $keywords: '["x","y"]' }]);
  });

  test.each([
    ['null', null, undefined],
    ['"null"', 'null', undefined],
    ['empty list', [], []],
    ['list', ['a', 'b'], ['a', 'b']],
  ])('~tags as %s', (_name, tags, expected) => {
    const { properties } = transformBody(currentBody('OPEN', { last_attributed_touch_data: { '~tags': tags, '~channel': 'sms' } }));
    expect(properties['~tags']).toEqual(expected);
  });

  test.each([
    ['true', true],
    ['false', false],
    ['1', true],
    ['0', false],
    [true, true],
  ])('attributed %p', (value, expected) => {
    expect(transformBody(currentBody('OPEN', { attributed: value })).properties.referred).toBe(expected);
  });

  test('boolean strings of known flags', () => {
    const { properties } = transformBody(
      currentBody('OPEN', { deep_linked: '1', first_event_for_user: 'false', user_data: { limit_ad_tracking: 'true', aaid: 'A-1' } }),
    );
    expect(properties.branch_deep_linked).toBe(true);
    expect(properties.branch_first_event_for_user).toBe(false);
    expect(properties.branch_limit_ad_tracking).toBe(true);
  });

  test('null, "null" and missing read alike', () => {
    const withNulls = transformBody(
      currentBody('OPEN', { deep_linked: null, existing_user: 'null', custom_data: { a: null, b: 'null' }, event_data: null }),
    );
    const without = transformBody(currentBody('OPEN'));
    expect(withNulls.properties).toEqual(without.properties);
  });

  test('big ids exact as decimal strings', () => {
    const body = currentBody('INSTALL').replace('"attributed":false', '"attributed":true,"di_match_click_token":987654321098700001');
    expect(transformBody(body).properties.branch_di_match_click_token).toBe('987654321098700001');
  });

  test('IPv6 address', () => {
    const { properties } = transformBody(currentBody('OPEN', { user_data: { ip: '2001:db8::ff00:42:8329', aaid: 'A-1' } }));
    expect(properties.ip).toBe('2001:db8::ff00:42:8329');
  });

  test('Unicode anywhere', () => {
    const { properties } = transformBody(
      currentBody('OPEN', { custom_data: { 'städte 🏙': 'Zürich, 東京, القاهرة', emoji: '👩‍👩‍👧' }, user_data: { aaid: 'ü-1' } }),
    );
    expect(properties['städte 🏙']).toBe('Zürich, 東京, القاهرة');
    expect(properties.emoji).toBe('👩‍👩‍👧');
    expect(properties.$device_id).toBe('ü-1');
  });

  test('key order does not change the event', () => {
    const body = parseJsonLossless(readCorpus('v2-install-ios-paid-click.json')) as Record<string, JsonValue>;
    const reversed = Object.fromEntries(Object.entries(body).reverse());
    expect(transformBody(JSON.stringify(reversed))).toEqual(transformBody(readCorpus('v2-install-ios-paid-click.json')));
  });
});
