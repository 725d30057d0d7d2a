import type { BranchDevice, BranchEvent, DeviceId, DeviceIdType } from './event';
import { readEventName } from './event-names';
import { isJsonObject, type JsonObject, type JsonValue } from './json';
import { readEventTime } from './time';
import { isAbsent, normalizeBooleans, NO_KEYS, omitKeys, readBoolean, readObject, readOwn, readText, setOwn } from './values';

/**
 * `user_data` keys read for `$device_id`, best first: the vendor id survives ad-tracking opt-outs,
 * then Google's advertising id, the Android id, the IDFA, and the web fingerprint.
 */
export const CURRENT_DEVICE_ID_FIELDS: readonly DeviceIdType[] = ['idfv', 'aaid', 'android_id', 'idfa', 'browser_fingerprint_id'];

/**
 * `user_data` keys of each device fact, first present wins. On Android `os_version` is the API
 * level ("34") and `os_version_android` the release ("14").
 */
export const CURRENT_DEVICE_FIELDS: Readonly<Record<keyof BranchDevice, readonly string[]>> = {
  ip: ['ip'],
  os: ['os'],
  osVersion: ['os_version_android', 'os_version'],
  model: ['model'],
  brand: ['brand'],
  appVersion: ['app_version'],
  browser: ['browser'],
  carrier: ['carrier_name'],
  referrer: ['http_referrer'],
};

/** Top-level keys holding the event time, first present wins; both are epoch milliseconds. */
export const CURRENT_TIME_FIELDS = ['event_timestamp', 'timestamp'] as const;

/** `user_data` key of the app's own user id. */
export const CURRENT_USER_ID_FIELD = 'developer_identity';

/** `custom_data` key where the app passes its own Mixpanel distinct id. */
export const MIXPANEL_DISTINCT_ID_KEY = '$mixpanel_distinct_id';

/** Top-level fields renamed on their way to `branch_*` properties; the rest keep their Branch name. */
export const CURRENT_TOP_LEVEL_RENAMES: Readonly<Record<string, string>> = {
  customer_event_alias: 'event_alias',
  last_attributed_touch_type: 'touch_type',
  last_attributed_touch_timestamp: 'touch_time',
};

// Flags Branch sends as JSON booleans, and through templates as "true"/"false" or "1"/"0".
const TOP_LEVEL_BOOLEANS = new Set(['deep_linked', 'first_event_for_user', 'existing_user']);
const USER_DATA_BOOLEANS = new Set(['limit_ad_tracking']);

// CURRENT_DEVICE_FIELDS as a list, so each parse reads it without building entries.
const DEVICE_FIELD_LIST = Object.entries(CURRENT_DEVICE_FIELDS) as Array<[keyof BranchDevice, readonly string[]]>;

const CUSTOM_DATA_MAPPED: ReadonlySet<string> = new Set([MIXPANEL_DISTINCT_ID_KEY]);

const USER_DATA_MAPPED = new Set<string>([
  ...CURRENT_DEVICE_ID_FIELDS,
  ...Object.values(CURRENT_DEVICE_FIELDS).flat(),
  CURRENT_USER_ID_FIELD,
]);

// Top-level fields read into the canonical event itself rather than copied as `branch_*` fields.
const TOP_LEVEL_MAPPED = new Set<string>([
  'name',
  'id',
  ...CURRENT_TIME_FIELDS,
  'attributed',
  'user_data',
  'last_attributed_touch_data',
  'event_data',
  'custom_data',
  'content_items',
]);

/**
 * Parses a current-format ("event ontology") webhook body. The event time is `event_timestamp`,
 * else `timestamp`, both epoch milliseconds; an invalid `event_timestamp` fails rather than falling
 * back to `timestamp`.
 *
 * @throws InvalidEventError with reason `missing_event_name` or `invalid_time`.
 */
export function parseCurrentFormat(body: JsonObject): BranchEvent {
  const { rawName, name, standard } = readEventName(body.name, 'name');
  const userData = normalizeBooleans(readObject(body.user_data), USER_DATA_BOOLEANS);
  const customData = readObject(body.custom_data);

  return {
    format: 'current',
    rawName,
    name,
    standard,
    id: readText(body.id),
    timestamp: readEventTime(body.event_timestamp, 'event_timestamp') ?? readEventTime(body.timestamp, 'timestamp'),
    developerIdentity: readText(userData[CURRENT_USER_ID_FIELD]),
    mixpanelDistinctId: readText(customData[MIXPANEL_DISTINCT_ID_KEY]),
    deviceIds: readDeviceIds(userData, CURRENT_DEVICE_ID_FIELDS),
    device: readDevice(userData),
    attributed: readBoolean(body.attributed),
    linkData: omitKeys(readObject(body.last_attributed_touch_data), NO_KEYS),
    eventFields: readEventFields(body),
    userFields: omitKeys(userData, USER_DATA_MAPPED),
    eventData: omitKeys(readObject(body.event_data), NO_KEYS),
    customData: omitKeys(customData, CUSTOM_DATA_MAPPED),
    contentItems: readContentItems(body.content_items),
  };
}

/** Reads the present device ids of `fields` from `source`, keeping the order of `fields`. */
export function readDeviceIds(source: JsonObject, fields: readonly DeviceIdType[]): DeviceId[] {
  const ids: DeviceId[] = [];
  for (const type of fields) {
    const value = readText(source[type]);
    if (value !== undefined) ids.push({ type, value });
  }
  return ids;
}

// Facts without a value are left out, not set to undefined.
function readDevice(userData: JsonObject): BranchDevice {
  const device: BranchDevice = {};
  for (const [fact, keys] of DEVICE_FIELD_LIST) {
    for (const key of keys) {
      const value = readText(userData[key]);
      if (value === undefined) continue;
      device[fact] = value;
      break;
    }
  }
  return device;
}

function readEventFields(body: JsonObject): JsonObject {
  const fields: JsonObject = {};
  const keys = Object.keys(body);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (TOP_LEVEL_MAPPED.has(key)) continue;
    let value = body[key]!;
    if (TOP_LEVEL_BOOLEANS.has(key)) value = readBoolean(value) ?? value;
    if (isAbsent(value)) continue;
    setOwn(fields, readOwn(CURRENT_TOP_LEVEL_RENAMES, key) ?? key, value);
  }
  return fields;
}

/** Reads `content_items`, which Branch sends as an array of objects and occasionally as one object. */
export function readContentItems(value: JsonValue | undefined): JsonObject[] {
  if (Array.isArray(value)) return value.filter(isJsonObject);
  if (isJsonObject(value)) return [value];
  return [];
}
