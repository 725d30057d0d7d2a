import { InvalidEventError } from '../errors';
import type { BranchDevice, BranchEvent, DeviceId, DeviceIdType } from './event';
import { canonicalizeEventName } from './event-names';
import { isJsonObject, type JsonObject } from './json';
import { readEventTime } from './time';
import { isAbsent, omitKeys, readBoolean, readObject, readText } from './values';

// Preference order for `$device_id`: the vendor id survives ad-tracking opt-outs, then Google's
// advertising id, Android id, the IDFA, and the web fingerprint.
const DEVICE_ID_FIELDS: readonly DeviceIdType[] = ['idfv', 'aaid', 'android_id', 'idfa', 'browser_fingerprint_id'];

const USER_DATA_MAPPED = new Set<string>([
  ...DEVICE_ID_FIELDS,
  'developer_identity',
  'ip',
  'os',
  'os_version',
  'os_version_android',
  'model',
  'brand',
  'app_version',
  'browser',
  'carrier_name',
  'http_referrer',
]);

// Top-level fields read into the canonical event itself rather than copied as `branch_*` fields.
const TOP_LEVEL_MAPPED = new Set<string>([
  'name',
  'id',
  'timestamp',
  'event_timestamp',
  'attributed',
  'user_data',
  'last_attributed_touch_data',
  'event_data',
  'custom_data',
  'content_items',
]);

// Top-level fields renamed on their way to `branch_*` properties; the rest keep their Branch name.
const TOP_LEVEL_RENAMES: Readonly<Record<string, string>> = {
  customer_event_alias: 'event_alias',
  last_attributed_touch_type: 'touch_type',
  last_attributed_touch_timestamp: 'touch_time',
};

const CUSTOM_DATA_CONSUMED = new Set<string>(['$mixpanel_distinct_id']);

/**
 * Parses a current-format ("event ontology") webhook body. `timestamp` and `event_timestamp` are
 * epoch milliseconds; the event time is `event_timestamp`, else `timestamp`.
 */
export function parseCurrentFormat(body: JsonObject): BranchEvent {
  const rawName = readText(body.name);
  if (rawName === undefined) {
    throw new InvalidEventError('missing_event_name', `Branch event has no name: ${JSON.stringify(body.name ?? null)}`);
  }
  const { name, standard } = canonicalizeEventName(rawName);
  const userData = readObject(body.user_data);
  const customData = readObject(body.custom_data);

  return {
    format: 'current',
    rawName,
    name,
    standard,
    id: readText(body.id),
    timestamp: readEventTime(body.event_timestamp, 'event_timestamp') ?? readEventTime(body.timestamp, 'timestamp'),
    developerIdentity: readText(userData.developer_identity),
    mixpanelDistinctId: readText(customData.$mixpanel_distinct_id),
    deviceIds: readDeviceIds(userData),
    device: readDevice(userData),
    attributed: readBoolean(body.attributed),
    linkData: omitKeys(readObject(body.last_attributed_touch_data), new Set()),
    eventFields: readEventFields(body),
    userFields: omitKeys(userData, USER_DATA_MAPPED),
    eventData: omitKeys(readObject(body.event_data), new Set()),
    customData: omitKeys(customData, CUSTOM_DATA_CONSUMED),
    contentItems: readContentItems(body.content_items),
  };
}

function readDeviceIds(userData: JsonObject): DeviceId[] {
  const ids: DeviceId[] = [];
  for (const type of DEVICE_ID_FIELDS) {
    const value = readText(userData[type]);
    if (value !== undefined) ids.push({ type, value });
  }
  return ids;
}

function readDevice(userData: JsonObject): BranchDevice {
  const os = readText(userData.os);
  // On Android `os_version` is the API level ("34"); `os_version_android` is the release ("14").
  const osVersion = readText(userData.os_version_android) ?? readText(userData.os_version);
  return dropUndefined({
    ip: readText(userData.ip),
    os,
    osVersion,
    model: readText(userData.model),
    brand: readText(userData.brand),
    appVersion: readText(userData.app_version),
    browser: readText(userData.browser),
    carrier: readText(userData.carrier_name),
    referrer: readText(userData.http_referrer),
  });
}

function readEventFields(body: JsonObject): JsonObject {
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(body)) {
    if (TOP_LEVEL_MAPPED.has(key) || isAbsent(value)) continue;
    fields[TOP_LEVEL_RENAMES[key] ?? key] = value;
  }
  return fields;
}

/** Reads `content_items`, which Branch sends as an array of objects and occasionally as one object. */
export function readContentItems(value: JsonObject[keyof JsonObject] | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isJsonObject);
  if (isJsonObject(value)) return [value];
  return [];
}

/** Copies an object without its undefined members. */
export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as T;
}
