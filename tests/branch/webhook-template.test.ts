import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseBranchRequest } from '../../lib/branch/parse';
import { TEMPLATE_FIELDS } from '../../lib/branch/template-fields';
import { renderWebhookTemplate, type TemplateVariant } from '../../lib/branch/webhook-template';
import type { MappingConfig } from '../../lib/config';
import { transformBranchEvent } from '../../lib/transform/transform';
import type { MixpanelEvent } from '../../lib/transform/mixpanel-event';
import { listCorpus, readCorpus } from '../helpers/corpus';
import { renderBranchTemplate } from './freemarker-subset';

const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');
const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'branch-webhook-template.md'), 'utf8');

// Sends a body through the template as Branch would, decoding the query as API Gateway does.
function deliver(variant: TemplateVariant, bodyJson: string): MixpanelEvent {
  const rendered = renderBranchTemplate(renderWebhookTemplate(variant), bodyJson);
  const request =
    variant === 'query'
      ? { method: 'GET', body: '', query: Object.fromEntries(new URLSearchParams(rendered)) }
      : { method: 'POST', body: rendered, contentType: variant === 'form' ? 'application/x-www-form-urlencoded' : 'application/json' };
  return transformBranchEvent(parseBranchRequest(request), { mapping, receivedAt, requestId: 'template' }).event;
}

function deliverJson(bodyJson: string): MixpanelEvent {
  return transformBranchEvent(parseBranchRequest({ method: 'POST', body: bodyJson }), { mapping, receivedAt, requestId: 'json' }).event;
}

const currentCorpus = listCorpus().filter((name) => name.startsWith('v2-'));
const variants: TemplateVariant[] = ['query', 'form', 'json'];

describe('webhook template round trip', () => {
  const cases = currentCorpus.flatMap((name) => variants.map((variant) => [name, variant] as const));

  test.each(cases)('%s via %s matches the JSON webhook', (name, variant) => {
    const body = readCorpus(name);
    const flat = deliver(variant, body);
    const json = deliverJson(body);

    expect(flat.event).toBe(json.event);
    for (const [key, value] of Object.entries(flat.properties)) {
      expect([key, value]).toEqual([key, json.properties[key]]);
    }
  });

  test.each(variants)('%s carries identity, time and attribution', (variant) => {
    const { properties } = deliver(variant, readCorpus('v2-install-ios-paid-click.json'));

    expect(properties.time).toBe(1717243265123);
    expect(properties.$insert_id).toBe(deliverJson(readCorpus('v2-install-ios-paid-click.json')).properties.$insert_id);
    expect(properties.distinct_id).toBe('$device:2B7A9C1D-4E5F-4A6B-8C9D-0E1F2A3B4C5D');
    expect(properties.utm_campaign).toBe('summer_launch_2024');
    expect(properties['~id']).toBe('987654321098765432');
    expect(properties['~tags']).toEqual(['summer', 'ios', 'video']);
    expect(properties.referred).toBe(true);
    expect(properties.branch_deep_linked).toBe(true);
    expect(properties.branch_first_event_for_user).toBe(true);
    expect(properties.branch_limit_ad_tracking).toBe(false);
  });
});

describe('webhook template values', () => {
  const tricky = {
    name: 'Level Up & Win #1',
    id: '1300000000000000099',
    timestamp: 1717243265123,
    attributed: false,
    user_data: {
      developer_identity: 'user+tag@example.com',
      os: 'IOS',
      ip: '2001:db8::1',
      geo_city_en: 'São Paulo',
      user_agent: 'Mozilla/5.0 (X; Y) 😀 ÅÄÖ 東京',
      language: '',
    },
    last_attributed_touch_data: {
      '~campaign': 'a&b=c#d+e f%20g',
      '~tags': ['ça va', 'x+y'],
      '+url': 'https://links.example.com/p?a=1&b=2#frag',
    },
    event_data: { revenue: 1234.5, currency: 'USD', description: 'quote " backslash \\ newline \n end' },
    custom_data: { $mixpanel_distinct_id: 'mp-Ω-1' },
  };

  test.each(variants)('%s keeps &, #, +, spaces and non-ASCII text', (variant) => {
    const { event, properties } = deliver(variant, JSON.stringify(tricky));

    expect(event).toBe('[Branch] Level Up & Win #1');
    expect(properties.$user_id).toBe('user+tag@example.com');
    expect(properties.distinct_id).toBe('mp-Ω-1');
    expect(properties.ip).toBe('2001:db8::1');
    expect(properties.branch_geo_city_en).toBe('São Paulo');
    expect(properties.branch_user_agent).toBe('Mozilla/5.0 (X; Y) 😀 ÅÄÖ 東京');
    expect(properties['~campaign']).toBe('a&b=c#d+e f%20g');
    expect(properties['~tags']).toEqual(['ça va', 'x+y']);
    expect(properties['+url']).toBe('https://links.example.com/p?a=1&b=2#frag');
    expect(properties.description).toBe('quote " backslash \\ newline \n end');
    expect(properties.referred).toBe(false);
  });

  test.each(variants)('%s reads grouped numbers', (variant) => {
    const { properties } = deliver(variant, JSON.stringify(tricky));

    expect(properties.time).toBe(1717243265123);
    expect(properties.revenue).toBe(1234.5);
    expect(properties.revenue_usd).toBe(1234.5);
  });

  test.each(variants)('%s treats empty values as absent', (variant) => {
    const { properties } = deliver(variant, JSON.stringify(tricky));

    expect(properties).not.toHaveProperty('branch_language');
    expect(properties).not.toHaveProperty('$os_version');
    expect(properties).not.toHaveProperty('branch_deep_linked');
    expect(properties).not.toHaveProperty('~channel');
  });

  test('query renders every key even when empty', () => {
    const rendered = renderBranchTemplate(renderWebhookTemplate('query'), '{"name":"open"}');
    const keys = [...new URLSearchParams(rendered).keys()];

    expect(keys).toEqual(TEMPLATE_FIELDS.map((field) => field.key));
    expect(rendered.startsWith('name=open&id=&')).toBe(true);
  });
});

describe('webhook template flat keys', () => {
  function parseQuery(query: Record<string, string>) {
    return transformBranchEvent(parseBranchRequest({ method: 'GET', body: '', query }), { mapping, receivedAt, requestId: 'q' }).event.properties;
  }

  test('extra custom data key read as text', () => {
    expect(parseQuery({ name: 'open', 'custom_data.plan': 'gold' }).plan).toBe('gold');
  });

  test('extra top-level key kept under branch_', () => {
    expect(parseQuery({ name: 'open', campaign_note: 'x' }).branch_campaign_note).toBe('x');
  });

  test('bare group name skipped', () => {
    const properties = parseQuery({ name: 'open', user_data: 'oops', 'user_data.os': 'IOS' });
    expect(properties.$os).toBe('iOS');
    expect(properties).not.toHaveProperty('branch_user_data');
  });

  test('unparseable number kept as text', () => {
    expect(parseQuery({ name: 'purchase', 'event_data.revenue': '12,5' }).revenue).toBe('12,5');
  });

  test('boolean of other text kept as text', () => {
    expect(parseQuery({ name: 'open', deep_linked: 'maybe' }).branch_deep_linked).toBe('maybe');
  });
});

describe('webhook template document', () => {
  test.each(variants)('publishes the %s template', (variant) => {
    expect(DOC).toContain(renderWebhookTemplate(variant));
  });

  test('lists every template key', () => {
    for (const field of TEMPLATE_FIELDS) expect(DOC).toContain(`\`${field.key}\``);
  });
});
