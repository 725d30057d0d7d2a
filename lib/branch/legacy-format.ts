import type { BranchDevice, BranchEvent, DeviceIdType } from './event';
import { readDeviceIds } from './current-format';
import { readEventName } from './event-names';
import type { JsonObject } from './json';
import { readEventTime } from './time';
import { isAbsent, omitKeys, readBoolean, readObject, readOwn, readText, setOwn } from './values';

/** Top-level keys read for `$device_id`, best first. */
export const LEGACY_DEVICE_ID_FIELDS: readonly DeviceIdType[] = ['hardware_id', 'google_advertising_id', 'browser_id'];

/** Dotted path of each device fact in a legacy body. Legacy bodies carry no other device facts. */
export const LEGACY_DEVICE_FIELDS: Readonly<Partial<Record<keyof BranchDevice, string>>> = {
  ip: 'metadata.ip',
  os: 'os',
  osVersion: 'os_version',
};

/** Top-level key of the app's own user id. */
export const LEGACY_USER_ID_FIELD = 'identity';

/** The only event time a legacy body can carry: ISO-8601, in bodies sent since 2016. */
export const LEGACY_TIME_FIELD = 'event_timestamp';

/** Link-level fields of legacy link data that correspond to the `~` keys of current link data. */
export const LEGACY_LINK_TILDE_FIELDS: Readonly<Record<string, string>> = {
  campaign: '~campaign',
  channel: '~channel',
  feature: '~feature',
  stage: '~stage',
  tags: '~tags',
  alias: '~alias',
  tag: '~tag',
  branch_id: '~id',
};

/**
 * Link data objects in order of preference: the link that started this session, then the user's
 * first link (custom events carry only that one), then the clicked link of `click` webhooks.
 */
export const LEGACY_LINK_DATA_FIELDS = ['session_referring_link_data', 'first_referring_link_data', 'link_data'] as const;

/** Top-level fields renamed on their way to `branch_*` properties. */
export const LEGACY_TOP_LEVEL_RENAMES: Readonly<Record<string, string>> = {
  session_referring_click_timestamp: 'touch_time',
  browser_user_agent: 'user_agent',
};

/** `metadata` keys read into the canonical event; every other `metadata` key is custom-event state. */
export const LEGACY_METADATA_CONSUMED: ReadonlySet<string> = new Set(['ip', 'referred', '$mixpanel_distinct_id']);

// Value of `branch_link_source` per link data object.
const LINK_SOURCE_NAMES: Readonly<Record<(typeof LEGACY_LINK_DATA_FIELDS)[number], string>> = {
  session_referring_link_data: 'session_referring',
  first_referring_link_data: 'first_referring',
  link_data: 'link',
};

// `date_ms` and `date_sec` repeat `date` (the link's creation time) in other units.
const LINK_DROPPED = new Set(['data', 'date_ms', 'date_sec']);

const TOP_LEVEL_MAPPED = new Set<string>([
  ...LEGACY_DEVICE_ID_FIELDS,
  ...LEGACY_LINK_DATA_FIELDS,
  'event',
  LEGACY_TIME_FIELD,
  LEGACY_USER_ID_FIELD,
  'metadata',
  'os',
  'os_version',
]);

/**
 * Parses a legacy webhook body (`event` at the top level). The event time is the ISO
 * `event_timestamp` of 2016+ bodies; 2015-era bodies carry none, and link data's `date` is when the
 * link was created, so it is never read as the event time.
 *
 * @throws InvalidEventError with reason `missing_event_name` or `invalid_time`.
 */
export function parseLegacyFormat(body: JsonObject): BranchEvent {
  const { rawName, name, standard } = readEventName(body.event, 'event');
  // Legacy custom events merge the app's state dictionary into `metadata` next to `ip` and `referred`.
  const metadata = readObject(body.metadata);
  const link = readLinkData(body);

  return {
    format: 'legacy',
    rawName,
    name,
    standard,
    timestamp: readEventTime(body[LEGACY_TIME_FIELD], LEGACY_TIME_FIELD),
    developerIdentity: readText(body[LEGACY_USER_ID_FIELD]),
    mixpanelDistinctId: readText(metadata.$mixpanel_distinct_id),
    deviceIds: readDeviceIds(body, LEGACY_DEVICE_ID_FIELDS),
    device: readDevice(body),
    attributed: readBoolean(metadata.referred),
    linkData: link.linkData,
    eventFields: { ...readEventFields(body), ...link.linkFields },
    userFields: {},
    eventData: omitKeys(metadata, LEGACY_METADATA_CONSUMED),
    customData: {},
    contentItems: [],
  };
}

// LEGACY_DEVICE_FIELDS with each path split into its one or two keys.
const DEVICE_FIELD_PATHS = Object.entries(LEGACY_DEVICE_FIELDS).map(
  ([fact, path]) => [fact, ...path.split('.')] as [keyof BranchDevice, string, string | undefined],
);

// Facts without a value are left out, not set to undefined.
function readDevice(body: JsonObject): BranchDevice {
  const device: BranchDevice = {};
  for (const [fact, first, second] of DEVICE_FIELD_PATHS) {
    const value = readText(second === undefined ? body[first] : readObject(body[first])[second]);
    if (value !== undefined) device[fact] = value;
  }
  return device;
}

function readLinkData(body: JsonObject): { linkData: JsonObject; linkFields: JsonObject } {
  const source = LEGACY_LINK_DATA_FIELDS.find((field) => !isAbsent(body[field]));
  if (source === undefined) return { linkData: {}, linkFields: {} };

  const link = readObject(body[source]);
  const linkData: JsonObject = {};
  const linkFields: JsonObject = { link_source: LINK_SOURCE_NAMES[source] };
  for (const key of Object.keys(link)) {
    const value = link[key]!;
    if (LINK_DROPPED.has(key) || isAbsent(value)) continue;
    const tildeKey = readOwn(LEGACY_LINK_TILDE_FIELDS, key);
    if (tildeKey !== undefined) linkData[tildeKey] = value;
    else setOwn(linkFields, `link_${key}`, value);
  }
  // The `data` dictionary contains the link's own keys verbatim and wins over the link-level copies.
  const data = readObject(link.data);
  for (const key of Object.keys(data)) {
    const value = data[key]!;
    if (!isAbsent(value)) setOwn(linkData, key, value);
  }
  return { linkData, linkFields };
}

function readEventFields(body: JsonObject): JsonObject {
  const fields: JsonObject = {};
  for (const key of Object.keys(body)) {
    const value = body[key]!;
    if (TOP_LEVEL_MAPPED.has(key) || isAbsent(value)) continue;
    setOwn(fields, readOwn(LEGACY_TOP_LEVEL_RENAMES, key) ?? key, value);
  }
  return fields;
}
