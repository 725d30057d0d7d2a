import type { MappingConfig } from '../config';
import type { BranchEvent } from '../branch/event';

// Values Mixpanel rejects or treats as "no id" for distinct_id, $device_id and $user_id (Mixpanel
// docs, "Server-side events with no logged-in user"), plus the all-zero advertising id that iOS and
// Android report when the user limits ad tracking. Compared case-insensitively.
const FORBIDDEN_IDS = new Set([
  '00000000-0000-0000-0000-000000000000',
  '0000-0000',
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
  '0',
  '-1',
  'true',
  'false',
  '[]',
  '{}',
  '',
]);

/** Tells whether an id is usable, that is present and not a placeholder Mixpanel would reject. */
export function isUsableId(value: string | undefined): value is string {
  return value !== undefined && !FORBIDDEN_IDS.has(value.trim().toLowerCase());
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

/**
 * Chooses `distinct_id`, `$user_id` and `$device_id`. The app's own Mixpanel id wins, then the
 * developer identity, then the best device id. Under simplified ID merge a device id goes out as
 * `$device:<id>` so Mixpanel never reads it as a user; with no id at all `distinct_id` is empty,
 * which Mixpanel counts as an event without a user rather than inventing one.
 */
export function resolveIdentity(event: BranchEvent, mapping: MappingConfig, projectToken?: string): ResolvedIdentity {
  const warnings: string[] = [];
  let mixpanelId = isUsableId(event.mixpanelDistinctId) ? event.mixpanelDistinctId : undefined;
  if (mixpanelId !== undefined && projectToken !== undefined && mixpanelId === projectToken) {
    // Apps sometimes pass the project token where the distinct id belongs; it would merge every user into one.
    warnings.push('$mixpanel_distinct_id equals the Mixpanel project token and was ignored');
    mixpanelId = undefined;
  }
  const userId = isUsableId(event.developerIdentity) ? event.developerIdentity : undefined;
  const deviceId = event.deviceIds.find((candidate) => isUsableId(candidate.value))?.value;

  if (mapping.idMerge === 'original') {
    return { identity: { distinct_id: mixpanelId ?? userId ?? deviceId ?? '' }, warnings };
  }

  const identity: MixpanelIdentity = {
    distinct_id: mixpanelId ?? userId ?? (deviceId === undefined ? '' : `$device:${deviceId}`),
  };
  if (userId !== undefined) identity.$user_id = userId;
  if (deviceId !== undefined) identity.$device_id = deviceId;
  return { identity, warnings };
}
