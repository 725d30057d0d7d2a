import { parseBranchBody } from '../../lib/branch/parse';
import type { MappingConfig } from '../../lib/config';
import { transformBranchEvent } from '../../lib/transform/transform';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { listCorpus, readCorpus } from '../helpers/corpus';

const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const receivedAt = Date.parse('2024-06-11T08:00:00.000Z');

function transformCorpus(name: string, requestId = 'request-1'): MixpanelEvent {
  return transformBranchEvent(parseBranchBody(readCorpus(name)), { mapping, receivedAt, requestId }).event;
}

describe('corpus transform', () => {
  it.each(listCorpus())('%s has valid time, insert id and identity', (name) => {
    const { properties } = transformCorpus(name);

    expect(Number.isInteger(properties.time)).toBe(true);
    expect(properties.$insert_id).toMatch(/^[A-Za-z0-9-]{1,36}$/);
    expect(typeof properties.distinct_id).toBe('string');
    expect(Object.keys(properties).length).toBeLessThanOrEqual(255);
  });

  it.each(listCorpus())('%s is deterministic across deliveries', (name) => {
    expect(transformCorpus(name)).toEqual(transformCorpus(name));
  });

  it('v2 install: attribution, device id and big ids', () => {
    const { event, properties } = transformCorpus('v2-install-ios-paid-click.json');

    expect(event).toBe('[Branch] install');
    expect(properties.time).toBe(1717243265123);
    expect(properties.distinct_id).toBe('$device:2B7A9C1D-4E5F-4A6B-8C9D-0E1F2A3B4C5D');
    expect(properties.$device_id).toBe('2B7A9C1D-4E5F-4A6B-8C9D-0E1F2A3B4C5D');
    expect(properties.$user_id).toBeUndefined();
    expect(properties.ip).toBe('203.0.113.10');
    expect(properties.$os).toBe('iOS');
    expect(properties.$os_version).toBe('17.4.1');
    expect(properties.$model).toBe('iPhone15,2');
    expect(properties.$brand).toBe('Apple');
    expect(properties.$app_version_string).toBe('5.12.0');
    expect(properties.utm_source).toBe('Example Ad Network');
    expect(properties.utm_medium).toBe('paid advertising');
    expect(properties.utm_campaign).toBe('summer_launch_2024');
    expect(properties.utm_content).toBe('hero_v2');
    expect(properties.referred).toBe(true);
    expect(properties['~id']).toBe('987654321098765432');
    expect(properties.branch_di_match_click_token).toBe('987654321098700001');
    expect(properties.branch_organization_id).toBe('612345678901234567');
    expect(properties['~tags']).toEqual(['summer', 'ios', 'video']);
    expect(properties.branch_event_id).toBe('1300000000000000001');
    expect(properties.branch_touch_type).toBe('CLICK');
    expect(properties.branch_deep_linked).toBe(true);
    expect(properties.branch_platform).toBe('IOS_APP');
  });

  it('v2 install: request metadata in custom data keeps out of reserved names', () => {
    const { properties } = transformCorpus('v2-install-ios-paid-click.json');

    expect(properties.ip).toBe('203.0.113.10');
    expect(properties.branch_ip).toBe('203.0.113.10');
    expect(properties.referred).toBe(true);
    expect(properties.branch_referred).toBe('true');
  });

  it('v2 open: app Mixpanel id wins and developer identity is the user', () => {
    const { event, properties } = transformCorpus('v2-open-organic-android-mixpanel-id.json');

    expect(event).toBe('[Branch] open');
    expect(properties.distinct_id).toBe('mp-3c6e0b8a-1f2d-4e5f-9a8b-7c6d5e4f3a2b');
    expect(properties.$user_id).toBe('user-000123');
    expect(properties.$device_id).toBe('3f9a2c1e-7b4d-4e8a-9c0f-5d6e7f8a9b0c');
    expect(properties.$os).toBe('Android');
    expect(properties.$os_version).toBe('14');
    expect(properties.referred).toBe(false);
    expect(properties.$mixpanel_distinct_id).toBeUndefined();
    expect(properties.utm_source).toBeUndefined();
  });

  it('v2 purchase: event time, revenue in USD and content items', () => {
    const { event, properties } = transformCorpus('v2-purchase-eur-content-items.json');

    expect(event).toBe('[Branch] purchase');
    expect(properties.time).toBe(1717502399000);
    expect(properties.revenue_usd).toBe(64.91);
    expect(properties.revenue).toBe(59.9);
    expect(properties.currency).toBe('EUR');
    expect(properties.transaction_id).toBe('ord-2024-000981');
    expect(properties.cart_id).toBe('cart-55aa');
    expect(properties.branch_event_alias).toBe('checkout_complete');
    expect(properties.content_items).toHaveLength(2);
    expect(properties.$user_id).toBe('user-000123');
    expect(properties.distinct_id).toBe('user-000123');
  });

  it('v2 complete registration: identified user', () => {
    const { event, properties } = transformCorpus('v2-complete-registration-identified.json');

    expect(event).toBe('[Branch] complete_registration');
    expect(properties.distinct_id).toBe('user-000999');
    expect(properties.$user_id).toBe('user-000999');
    expect(properties.$device_id).toBe('2B7A9C1D-4E5F-4A6B-8C9D-0E1F2A3B4C5D');
    expect(properties.signup_method).toBe('email');
  });

  it('v2 custom event: name unchanged and custom data verbatim', () => {
    const { event, properties } = transformCorpus('v2-custom-event-custom-data.json');

    expect(event).toBe('[Branch] level_up_bonus_claimed');
    expect(properties.level).toBe('12');
    expect(properties['key with spaces']).toBe('ok');
    expect(properties['dotted.key']).toBe('ok');
    expect(properties.$reserved_looking).toBe('value');
    expect(properties.distinct_id).toBe('mp-3c6e0b8a-1f2d-4e5f-9a8b-7c6d5e4f3a2b');
    expect(properties.branch_touch_type).toBe('IMPRESSION');
  });

  it('v2 web session start: browser fingerprint as device', () => {
    const { event, properties } = transformCorpus('v2-web-session-start-desktop.json');

    expect(event).toBe('[Branch] web_session_start');
    expect(properties.$device_id).toBe('1122334455667788990');
    expect(properties.$os).toBe('Mac OS X');
    expect(properties.$browser).toBe('Chrome');
    expect(properties.$referrer).toBe('https://mail.example.com/');
    expect(properties.utm_source).toBe('newsletter');
    expect(properties.utm_medium).toBe('email');
  });

  it('v2 reinstall: 19-digit link id kept exact', () => {
    const { event, properties } = transformCorpus('v2-reinstall-android.json');

    expect(event).toBe('[Branch] reinstall');
    expect(properties['~id']).toBe('1098765432109876543');
    expect(properties.$brand).toBe('samsung');
    expect(properties.distinct_id).toBe('$device:7d1e5b3a-2c4f-4a6e-8b0d-9f1a3c5e7b2d');
  });

  it('v2 long strings: values cut to Mixpanel limits', () => {
    const { properties } = transformCorpus('v2-custom-event-long-strings-many-tags.json');

    expect(String(properties['~campaign']).length).toBe(255);
    expect(String(properties.utm_campaign).length).toBe(255);
    for (const value of Object.values(properties)) {
      if (typeof value === 'string') expect(value.length).toBeLessThanOrEqual(255);
    }
  });

  it('legacy open without event time: receive time and link data', () => {
    const { event, properties } = transformCorpus('legacy-open-seed-example.json');

    expect(event).toBe('[Branch] open');
    expect(properties.time).toBe(receivedAt);
    expect(properties.branch_time_source).toBe('received');
    expect(properties.ip).toBe('73.222.120.96');
    expect(properties.referred).toBe(false);
    expect(properties.$marketing_title).toBe('Testing Mixpanel K/V');
    expect(properties.extra_data).toBe('1234');
    expect(properties['~feature']).toBe('marketing');
    expect(properties.utm_medium).toBe('marketing');
    expect(properties['~id']).toBe('121303087695532448');
    expect(properties.distinct_id).toBe('');
  });

  it('legacy open without event time: insert id differs per request', () => {
    const first = transformCorpus('legacy-open-2015-null-link-data.json', 'request-1');
    const second = transformCorpus('legacy-open-2015-null-link-data.json', 'request-2');

    expect(first.properties.$insert_id).not.toBe(second.properties.$insert_id);
  });

  it('legacy install: ISO event time, not the link date', () => {
    const { event, properties } = transformCorpus('legacy-install-referred-ad-2018.json');

    expect(event).toBe('[Branch] install');
    expect(properties.time).toBe(Date.parse('2018-06-27T17:06:05.665Z'));
    expect(properties.branch_link_date).toBe('2017-09-07T21:08:17.868Z');
    expect(properties.referred).toBe(true);
    expect(properties.utm_campaign).toBe('example#1');
    expect(properties.branch_session_referring_click_id).toBe('540500000000000222');
    expect(properties.$device_id).toBe('8C5E1F2A-3B4D-4E6F-9A0B-1C2D3E4F5A6B');
  });

  it('legacy custom event: state merged from metadata and identity', () => {
    const { event, properties } = transformCorpus('legacy-custom-event-with-state.json');

    expect(event).toBe('[Branch] purchase');
    expect(properties.distinct_id).toBe('user-000456');
    expect(properties.$user_id).toBe('user-000456');
    expect(properties.$device_id).toBe('a1b2c3d4e5f60718');
    expect(properties.item).toBe('123-AB-456');
    expect(properties.price).toBe(4.99);
    expect(properties.gift).toBe(true);
    expect(properties.sku_list).toEqual(['A-1', 'B-2']);
    expect(properties.referred).toBe(false);
    expect(properties.referring_user).toBe('user-000001');
  });

  it('legacy web session start: spaced name read as standard', () => {
    const { event, properties } = transformCorpus('legacy-web-session-start.json');

    expect(event).toBe('[Branch] web_session_start');
    expect(properties.branch_event_name).toBe('web session start');
    expect(properties.$device_id).toBe('560123456789012345');
    expect(properties.distinct_id).toBe('$device:560123456789012345');
    expect(properties.referred).toBe(true);
  });
});
