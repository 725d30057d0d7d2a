import { InvalidEventError } from '../errors';
import { dropUndefined } from './current-format';
import type { BranchEvent, DeviceId, DeviceIdType } from './event';
import { canonicalizeEventName } from './event-names';
import type { JsonObject } from './json';
import { readEventTime } from './time';
import { isAbsent, omitKeys, readBoolean, readObject, readText } from './values';

const DEVICE_ID_FIELDS: readonly DeviceIdType[] = ['hardware_id', 'google_advertising_id', 'browser_id'];

// Link-level fields of legacy link data that correspond to the `~` keys of current link data.
const LINK_TILDE_FIELDS: Readonly<Record<string, string>> = {
  campaign: '~campaign',
  channel: '~channel',
  feature: '~feature',
  stage: '~stage',
  tags: '~tags',
  alias: '~alias',
  tag: '~tag',
  branch_id: '~id',
};

// `date_ms` and `date_sec` repeat `date` (the link's creation time) in other units.
const LINK_DROPPED = new Set(['data', 'date_ms', 'date_sec']);

// Link data objects in order of preference: the link that started this session, then the user's
// first link (custom events carry only that one), then the clicked link of `click` webhooks.
const LINK_DATA_FIELDS = ['session_referring_link_data', 'first_referring_link_data', 'link_data'] as const;

const TOP_LEVEL_MAPPED = new Set<string>([
  ...DEVICE_ID_FIELDS,
  ...LINK_DATA_FIELDS,
  'event',
  'event_timestamp',
  'identity',
  'metadata',
  'os',
  'os_version',
]);

const TOP_LEVEL_RENAMES: Readonly<Record<string, string>> = {
  session_referring_click_timestamp: 'touch_time',
  browser_user_agent: 'user_agent',
};

const METADATA_CONSUMED = new Set(['ip', 'referred', '$mixpanel_distinct_id']);

/**
 * Parses a legacy webhook body (`event` at the top level). The event time is the ISO
 * `event_timestamp` of 2016+ bodies; 2015-era bodies carry none, and link data's `date` is when the
 * link was created, so it is never read as the event time.
 */
export function parseLegacyFormat(body: JsonObject): BranchEvent {
  const rawName = readText(body.event);
  if (rawName === undefined) {
    throw new InvalidEventError('missing_event_name', `Branch event has no name: ${JSON.stringify(body.event ?? null)}`);
  }
  const { name, standard } = canonicalizeEventName(rawName);
  // Legacy custom events merge the app's state dictionary into `metadata` next to `ip` and `referred`.
  const metadata = readObject(body.metadata);
  const link = readLinkData(body);

  return {
    format: 'legacy',
    rawName,
    name,
    standard,
    timestamp: readEventTime(body.event_timestamp, 'event_timestamp'),
    developerIdentity: readText(body.identity),
    mixpanelDistinctId: readText(metadata.$mixpanel_distinct_id),
    deviceIds: readDeviceIds(body),
    device: dropUndefined({
      ip: readText(metadata.ip),
      os: readText(body.os),
      osVersion: readText(body.os_version),
    }),
    attributed: readBoolean(metadata.referred),
    linkData: link.linkData,
    eventFields: { ...readEventFields(body), ...link.linkFields },
    userFields: {},
    eventData: omitKeys(metadata, METADATA_CONSUMED),
    customData: {},
    contentItems: [],
  };
}

function readDeviceIds(body: JsonObject): DeviceId[] {
  const ids: DeviceId[] = [];
  for (const type of DEVICE_ID_FIELDS) {
    const value = readText(body[type]);
    if (value !== undefined) ids.push({ type, value });
  }
  return ids;
}

function readLinkData(body: JsonObject): { linkData: JsonObject; linkFields: JsonObject } {
  const source = LINK_DATA_FIELDS.find((field) => !isAbsent(body[field]));
  if (source === undefined) return { linkData: {}, linkFields: {} };

  const link = readObject(body[source]);
  const linkData: JsonObject = {};
  const linkFields: JsonObject = { link_source: source.replace(/_link_data$/, '') };
  for (const [key, value] of Object.entries(link)) {
    if (LINK_DROPPED.has(key) || isAbsent(value)) continue;
    const tildeKey = LINK_TILDE_FIELDS[key];
    if (tildeKey !== undefined) linkData[tildeKey] = value;
    else linkFields[`link_${key}`] = value;
  }
  // The `data` dictionary holds the link's own keys verbatim and wins over the link-level copies.
  Object.assign(linkData, omitKeys(readObject(link.data), new Set()));
  return { linkData, linkFields };
}

function readEventFields(body: JsonObject): JsonObject {
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (TOP_LEVEL_MAPPED.has(key) || isAbsent(value)) continue;
    fields[TOP_LEVEL_RENAMES[key] ?? key] = value;
  }
  return fields;
}
