/**
 * Type of a flat template value. `text` is read as is and `id` as decimal text. `integer` and
 * `number` become numbers, `boolean` is read from `1`/`0`/`true`/`false`, and `list` is split on commas.
 */
export type TemplateFieldType = 'text' | 'id' | 'integer' | 'number' | 'boolean' | 'list';

/** One key of the published webhook template. */
export interface TemplateField {
  /** Key in the query string or flat body: the field's path in a current-format body, such as `user_data.os`. */
  key: string;
  type: TemplateFieldType;
}

/** Objects of a current-format body whose fields the template flattens into `<object>.<key>`. */
export const TEMPLATE_GROUPS = ['user_data', 'last_attributed_touch_data', 'event_data', 'custom_data'] as const;

const LINK = 'last_attributed_touch_data';

/**
 * The keys of the published FreeMarker template, in the order it renders them. The flat parser
 * reads each with its type, and `docs/branch-webhook-template.md` publishes the template built from
 * this list. Content items are absent because Branch blocks `<#list>` in templates.
 */
export const TEMPLATE_FIELDS: readonly TemplateField[] = [
  { key: 'name', type: 'text' },
  { key: 'id', type: 'id' },
  { key: 'customer_event_alias', type: 'text' },
  { key: 'event_timestamp', type: 'integer' },
  { key: 'timestamp', type: 'integer' },
  { key: 'origin', type: 'text' },
  { key: 'attributed', type: 'boolean' },
  { key: 'deep_linked', type: 'boolean' },
  { key: 'first_event_for_user', type: 'boolean' },
  { key: 'existing_user', type: 'boolean' },
  { key: 'last_attributed_touch_type', type: 'text' },
  { key: 'last_attributed_touch_timestamp', type: 'integer' },
  { key: 'days_from_last_attributed_touch_to_event', type: 'integer' },
  ...[
    'developer_identity',
    'idfv',
    'aaid',
    'android_id',
    'idfa',
  ].map((key): TemplateField => ({ key: `user_data.${key}`, type: 'text' })),
  { key: 'user_data.browser_fingerprint_id', type: 'id' },
  ...[
    'os',
    'os_version',
    'os_version_android',
    'model',
    'brand',
    'app_version',
    'browser',
    'carrier_name',
    'http_referrer',
    'ip',
    'platform',
    'environment',
    'user_agent',
    'language',
    'sdk_version',
    'geo_country_code',
    'geo_city_en',
  ].map((key): TemplateField => ({ key: `user_data.${key}`, type: 'text' })),
  { key: 'user_data.limit_ad_tracking', type: 'boolean' },
  { key: `${LINK}.~id`, type: 'id' },
  { key: `${LINK}.~campaign`, type: 'text' },
  { key: `${LINK}.~campaign_id`, type: 'id' },
  { key: `${LINK}.~channel`, type: 'text' },
  { key: `${LINK}.~feature`, type: 'text' },
  { key: `${LINK}.~stage`, type: 'text' },
  { key: `${LINK}.~tags`, type: 'list' },
  { key: `${LINK}.~keyword`, type: 'text' },
  { key: `${LINK}.~creative_name`, type: 'text' },
  { key: `${LINK}.~creative_id`, type: 'id' },
  { key: `${LINK}.~ad_name`, type: 'text' },
  { key: `${LINK}.~ad_id`, type: 'id' },
  { key: `${LINK}.~ad_set_name`, type: 'text' },
  { key: `${LINK}.~ad_set_id`, type: 'id' },
  { key: `${LINK}.~advertising_partner_name`, type: 'text' },
  { key: `${LINK}.~secondary_publisher`, type: 'text' },
  { key: `${LINK}.$3p`, type: 'text' },
  { key: `${LINK}.$marketing_title`, type: 'text' },
  { key: `${LINK}.+url`, type: 'text' },
  { key: `${LINK}.+click_timestamp`, type: 'integer' },
  { key: 'event_data.transaction_id', type: 'text' },
  { key: 'event_data.revenue', type: 'number' },
  { key: 'event_data.currency', type: 'text' },
  { key: 'event_data.revenue_in_usd', type: 'number' },
  { key: 'event_data.shipping', type: 'number' },
  { key: 'event_data.tax', type: 'number' },
  { key: 'event_data.coupon', type: 'text' },
  { key: 'event_data.affiliation', type: 'text' },
  { key: 'event_data.description', type: 'text' },
  { key: 'event_data.search_query', type: 'text' },
  { key: 'custom_data.$mixpanel_distinct_id', type: 'text' },
];

// FreeMarker names cannot contain the `~`, `$` and `+` prefixes of link data keys, so the template
// spells them as words, following Branch's field names such as `last_attributed_touch_data_tilde_campaign`.
// NOTE: this spelling is inferred from those names, not checked against a live Branch template.
const LINK_KEY_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['~', 'tilde_'],
  ['$', 'dollar_'],
  ['+', 'plus_'],
];

/**
 * Returns the FreeMarker expression that reads a template key from Branch's event data model:
 * `user_data.os`, `last_attributed_touch_data.tilde_campaign`, `custom_data['$mixpanel_distinct_id']`.
 */
export function toFreemarkerPath(key: string): string {
  const dot = key.indexOf('.');
  if (dot < 0) return key;
  const group = key.slice(0, dot);
  const field = key.slice(dot + 1);
  if (group === LINK) {
    const prefix = LINK_KEY_PREFIXES.find(([symbol]) => field.startsWith(symbol));
    return `${group}.${prefix === undefined ? field : prefix[1] + field.slice(1)}`;
  }
  // Custom data keys are the app's own and may start with `$`, so they are looked up by string.
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) return `${group}['${field}']`;
  return `${group}.${field}`;
}
