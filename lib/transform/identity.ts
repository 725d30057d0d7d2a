import type { MappingConfig } from '../config';
import type { BranchEvent } from '../branch/event';
import { cleanText, MAX_STRING_LENGTH } from './text';

/**
 * Values Mixpanel rejects or treats as "no id" for distinct_id, $device_id and $user_id (Mixpanel
 * docs, "Import Events" and "Server-side events with no logged-in user"). Compared
 * case-insensitively and without surrounding white space.
 */
export const PLACEHOLDER_IDS: ReadonlySet<string> = new Set([
  'anon',
  'anonymous',
  'nil',
  '<nil>',
  'none',
  'null',
  'n/a',
  'na',
  'undefined',
  'unknown',
  '-1',
  'true',
  'false',
  '[]',
  '{}',
  '',
]);

// Zeros and dashes only: `0`, and the all-zero IDFA or AAID ("00000000-0000-0000-0000-000000000000")
// that iOS and Android report when the user limits ad tracking, with or without dashes.
const ALL_ZEROS = /^[0-]*0[0-]*$/;

/** Tells whether an id is usable, that is present and not a placeholder Mixpanel would reject. */
export function isUsableId(value: string | undefined): value is string {
  if (value === undefined) return false;
  const normalized = value.trim().toLowerCase();
  return !PLACEHOLDER_IDS.has(normalized) && !ALL_ZEROS.test(normalized);
}

/** Identity properties of one Mixpanel event. */
export interface MixpanelIdentity {
  distinct_id: string;
  $user_id?: string;
  $device_id?: string;
}

/** Identity and the warnings found while resolving it. */
export interface ResolvedIdentity {
  identity: MixpanelIdentity;
  warnings: string[];
}

// Prefix that marks a device id as `distinct_id` under simplified ID merge.
const DEVICE_PREFIX = '$device:';

/**
 * Chooses `distinct_id`, `$user_id` and `$device_id`. The app's own Mixpanel id wins, then the
 * developer identity, then the best device id. Under simplified ID merge a device id goes out as
 * `$device:<id>`, so Mixpanel never reads it as a user. With no id at all `distinct_id` is empty,
 * which Mixpanel counts as an event without a user rather than inventing one. Under original ID
 * merge only `distinct_id` is sent, without the prefix. Ids are made valid UTF-8 and cut to 255
 * characters, and a device id is cut so that `$device:<id>` still equals the prefixed `$device_id`.
 */
export function resolveIdentity(event: BranchEvent, mapping: MappingConfig, projectToken?: string): ResolvedIdentity {
  const warnings: string[] = [];
  let mixpanelId = readUsableId(event.mixpanelDistinctId);
  if (mixpanelId !== undefined && projectToken !== undefined && mixpanelId.trim() === projectToken.trim()) {
    // Apps sometimes pass the project token where the distinct id belongs; it would merge every user into one.
    warnings.push('$mixpanel_distinct_id equals the Mixpanel project token and was ignored');
    mixpanelId = undefined;
  }
  const userId = readUsableId(event.developerIdentity);
  const usableDevice = event.deviceIds.find((candidate) => isUsableId(candidate.value))?.value;

  if (mapping.idMerge === 'original') {
    const deviceId = usableDevice === undefined ? undefined : cleanText(usableDevice);
    return { identity: { distinct_id: mixpanelId ?? userId ?? deviceId ?? '' }, warnings };
  }

  const deviceId = usableDevice === undefined ? undefined : cleanText(usableDevice, MAX_STRING_LENGTH - DEVICE_PREFIX.length);
  const identity: MixpanelIdentity = {
    distinct_id: mixpanelId ?? userId ?? (deviceId === undefined ? '' : `${DEVICE_PREFIX}${deviceId}`),
  };
  if (userId !== undefined) identity.$user_id = userId;
  if (deviceId !== undefined) identity.$device_id = deviceId;
  return { identity, warnings };
}

function readUsableId(value: string | undefined): string | undefined {
  return isUsableId(value) ? cleanText(value) : undefined;
}
