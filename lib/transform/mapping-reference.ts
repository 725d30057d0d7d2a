import {
  CURRENT_DEVICE_FIELDS,
  CURRENT_DEVICE_ID_FIELDS,
  CURRENT_TIME_FIELDS,
  CURRENT_TOP_LEVEL_RENAMES,
  CURRENT_USER_ID_FIELD,
  MIXPANEL_DISTINCT_ID_KEY,
} from '../branch/current-format';
import type { BranchDevice } from '../branch/event';
import {
  LEGACY_DEVICE_FIELDS,
  LEGACY_DEVICE_ID_FIELDS,
  LEGACY_LINK_TILDE_FIELDS,
  LEGACY_TIME_FIELD,
  LEGACY_TOP_LEVEL_RENAMES,
  LEGACY_USER_ID_FIELD,
} from '../branch/legacy-format';
import { TEMPLATE_FIELDS, toFreemarkerPath } from '../branch/template-fields';
import { DROPPED_COUNT_PROPERTY } from './limits';
import { DEVICE_PROPERTIES, UTM_SOURCES } from './property-groups';

/**
 * One row of the mapping reference: a Mixpanel property and the Branch fields it comes from, as
 * dotted paths in the webhook body. `<key>` in a path and in the property stands for any key.
 */
export interface MappingRow {
  property: string;
  sources: readonly string[];
  rule: string;
}

/** One row of the template reference. */
export interface TemplateRow {
  key: string;
  expression: string;
  type: string;
  properties: readonly string[];
}

/** Placeholder for the legacy link data object that a body carries. */
export const LEGACY_LINK = '<link>';

const OS_RULE = 'Branch\'s upper-case names become Mixpanel\'s: `IOS` is `iOS`, `ANDROID` is `Android`, `MAC_OS` is `Mac OS X`';
const FIRST_PRESENT = 'first present';

function deviceRows(pathsOf: (fact: keyof BranchDevice) => readonly string[]): MappingRow[] {
  return DEVICE_PROPERTIES.flatMap(([fact, property]) => {
    const sources = pathsOf(fact);
    if (sources.length === 0) return [];
    let rule = sources.length > 1 ? FIRST_PRESENT : '';
    if (fact === 'os') rule = OS_RULE;
    return [{ property, sources, rule }];
  });
}

function renameRows(renames: Readonly<Record<string, string>>): MappingRow[] {
  return Object.entries(renames).map(([field, name]) => ({ property: `branch_${name}`, sources: [field], rule: '' }));
}

const currentDeviceIds = CURRENT_DEVICE_ID_FIELDS.map((field) => `user_data.${field}`);

/** Sources of each Mixpanel property in a current-format ("event ontology") body. */
export const CURRENT_FORMAT_ROWS: readonly MappingRow[] = [
  { property: 'event', sources: ['name'], rule: 'see "Event names"' },
  { property: 'time', sources: [...CURRENT_TIME_FIELDS], rule: 'first present; see "Time"' },
  {
    property: 'distinct_id',
    sources: [`custom_data.${MIXPANEL_DISTINCT_ID_KEY}`, `user_data.${CURRENT_USER_ID_FIELD}`, ...currentDeviceIds],
    rule: 'first usable; see "Identity"',
  },
  { property: '$insert_id', sources: ['id'], rule: 'hash of the Branch event id; see "Deduplication"' },
  { property: '$user_id', sources: [`user_data.${CURRENT_USER_ID_FIELD}`], rule: 'simplified ID merge only' },
  { property: '$device_id', sources: currentDeviceIds, rule: 'first usable; simplified ID merge only' },
  ...deviceRows((fact) => CURRENT_DEVICE_FIELDS[fact].map((field) => `user_data.${field}`)),
  ...UTM_SOURCES.map(([property, keys]): MappingRow => ({
    property,
    sources: keys.map((key) => `last_attributed_touch_data.${key}`),
    rule: keys.length > 1 ? FIRST_PRESENT : '',
  })),
  { property: 'referred', sources: ['attributed'], rule: 'boolean, also from `"true"`, `"false"`, `"1"`, `"0"`' },
  { property: 'revenue_usd', sources: ['event_data.revenue_in_usd', 'event_data.revenue'], rule: '`revenue` only when `currency` is USD or absent' },
  { property: 'branch_event_id', sources: ['id'], rule: '' },
  { property: 'branch_event_name', sources: ['name'], rule: 'as sent' },
  { property: 'branch_time_source', sources: [], rule: '`event`, or `received` when the body has no event time' },
  ...renameRows(CURRENT_TOP_LEVEL_RENAMES),
  { property: 'branch_<key>', sources: ['<key>'], rule: 'other top-level fields; `deep_linked`, `first_event_for_user`, `existing_user` as booleans' },
  { property: '<key>', sources: ['last_attributed_touch_data.<key>'], rule: 'verbatim: `~campaign`, `~tags`, `$3p`, `+url`, deep link keys' },
  { property: '<key>', sources: ['event_data.<key>'], rule: 'verbatim' },
  { property: '<key>', sources: ['custom_data.<key>'], rule: `verbatim, except \`${MIXPANEL_DISTINCT_ID_KEY}\`` },
  { property: 'branch_<key>', sources: ['user_data.<key>'], rule: 'other user data; `limit_ad_tracking` as a boolean' },
  { property: 'content_items', sources: ['content_items'], rule: 'list of flat objects (nested values as JSON text); one object becomes a list of one' },
  { property: DROPPED_COUNT_PROPERTY, sources: [], rule: 'number of properties dropped to fit Mixpanel\'s limits, when any' },
];

// Legacy link-level fields per `~` key, to list both places a legacy body may carry it.
const legacyLinkFieldOf = new Map(Object.entries(LEGACY_LINK_TILDE_FIELDS).map(([field, key]) => [key, field]));

function legacyLinkSources(key: string): string[] {
  const linkField = legacyLinkFieldOf.get(key);
  return [`${LEGACY_LINK}.data.${key}`, ...(linkField === undefined ? [] : [`${LEGACY_LINK}.${linkField}`])];
}

const legacyDeviceIds = [...LEGACY_DEVICE_ID_FIELDS];

/** Sources of each Mixpanel property in a legacy body. */
export const LEGACY_FORMAT_ROWS: readonly MappingRow[] = [
  { property: 'event', sources: ['event'], rule: 'see "Event names"; `web session start` is `web_session_start`' },
  { property: 'time', sources: [LEGACY_TIME_FIELD], rule: 'ISO-8601; without it, the time the request was received' },
  {
    property: 'distinct_id',
    sources: [`metadata.${MIXPANEL_DISTINCT_ID_KEY}`, LEGACY_USER_ID_FIELD, ...legacyDeviceIds],
    rule: 'first usable; see "Identity"',
  },
  { property: '$insert_id', sources: [], rule: 'hash of the whole event and its time; see "Deduplication"' },
  { property: '$user_id', sources: [LEGACY_USER_ID_FIELD], rule: 'simplified ID merge only' },
  { property: '$device_id', sources: legacyDeviceIds, rule: 'first usable; simplified ID merge only' },
  ...deviceRows((fact) => {
    const path = LEGACY_DEVICE_FIELDS[fact];
    return path === undefined ? [] : [path];
  }),
  ...UTM_SOURCES.map(([property, keys]): MappingRow => ({ property, sources: keys.flatMap(legacyLinkSources), rule: FIRST_PRESENT })),
  { property: 'referred', sources: ['metadata.referred'], rule: 'boolean, also from `"true"`, `"false"`, `"1"`, `"0"`' },
  { property: 'revenue_usd', sources: ['metadata.revenue_in_usd', 'metadata.revenue'], rule: '`revenue` only when `currency` is USD or absent' },
  { property: 'branch_event_name', sources: ['event'], rule: 'as sent' },
  { property: 'branch_time_source', sources: [], rule: '`event`, or `received` when the body has no `event_timestamp`' },
  ...renameRows(LEGACY_TOP_LEVEL_RENAMES),
  { property: 'branch_link_source', sources: [], rule: 'which link data object was read: `session_referring`, `first_referring` or `link`' },
  ...Object.entries(LEGACY_LINK_TILDE_FIELDS).map(([, key]): MappingRow => ({ property: key, sources: legacyLinkSources(key), rule: FIRST_PRESENT })),
  { property: '<key>', sources: [`${LEGACY_LINK}.data.<key>`], rule: 'verbatim' },
  { property: 'branch_link_<key>', sources: [`${LEGACY_LINK}.<key>`], rule: 'other link fields; `date` is when the link was created' },
  { property: '<key>', sources: ['metadata.<key>'], rule: 'verbatim: custom-event state' },
  { property: 'branch_<key>', sources: ['<key>'], rule: 'other top-level fields, such as `query` of `click` webhooks' },
  { property: DROPPED_COUNT_PROPERTY, sources: [], rule: 'number of properties dropped to fit Mixpanel\'s limits, when any' },
];

// Groups whose every field is copied verbatim, even when the mapping also reads it.
const ALWAYS_COPIED_GROUPS = new Set(['last_attributed_touch_data', 'event_data']);

/**
 * Lists the Mixpanel properties a current-format field fills: the rows naming it, plus the row of
 * its group's `<key>` when the group is always copied or no row names the field.
 */
export function findCurrentProperties(path: string): string[] {
  const exact = CURRENT_FORMAT_ROWS.filter((row) => row.sources.includes(path)).map((row) => row.property);
  const dot = path.indexOf('.');
  const group = dot > 0 ? path.slice(0, dot) : undefined;
  const key = dot > 0 ? path.slice(dot + 1) : path;
  const wildcardSource = group === undefined ? '<key>' : `${group}.<key>`;
  const copied = exact.length === 0 || (group !== undefined && ALWAYS_COPIED_GROUPS.has(group));
  const wildcard = copied ? CURRENT_FORMAT_ROWS.find((row) => row.sources.includes(wildcardSource)) : undefined;
  return [...exact, ...(wildcard === undefined ? [] : [wildcard.property.replace('<key>', key)])];
}

/** The published template's keys with their FreeMarker expression, type and Mixpanel properties. */
export const TEMPLATE_ROWS: readonly TemplateRow[] = TEMPLATE_FIELDS.map((field) => ({
  key: field.key,
  expression: toFreemarkerPath(field.key),
  type: field.type,
  properties: findCurrentProperties(field.key),
}));

/** Renders mapping rows as the Markdown table `docs/mapping.md` holds. */
export function renderMappingTable(rows: readonly MappingRow[]): string {
  const lines = ['| Mixpanel property | Branch field | Rule |', '|---|---|---|'];
  for (const row of rows) {
    const sources = row.sources.length === 0 ? '-' : row.sources.map(code).join(', ');
    lines.push(`| ${code(row.property)} | ${sources} | ${row.rule || '-'} |`);
  }
  return lines.join('\n');
}

/** Renders the template rows as the Markdown table `docs/mapping.md` holds. */
export function renderTemplateTable(rows: readonly TemplateRow[]): string {
  const lines = ['| Template key | FreeMarker expression | Type | Mixpanel property |', '|---|---|---|---|'];
  for (const row of rows) {
    lines.push(`| ${code(row.key)} | ${code(row.expression)} | ${row.type} | ${row.properties.map(code).join(', ')} |`);
  }
  return lines.join('\n');
}

function code(text: string): string {
  return `\`${text}\``;
}
