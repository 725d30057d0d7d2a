import { InvalidEventError } from '../errors';
import type { JsonValue } from './json';
import { readText } from './values';

/**
 * Branch's standard event names (the event ontology of help.branch.io "Branch Event Ontology" and
 * "Postback Macros & Functions", the automatic lifecycle events, and the legacy webhook names), in
 * the lower snake case the mapping emits.
 */
export const STANDARD_EVENT_NAMES: ReadonlySet<string> = new Set([
  // Automatic events
  'install',
  'open',
  'reinstall',
  'click',
  'impression',
  'branch_cta_view',
  'web_session_start',
  'web_to_app_auto_redirect',
  'pageview',
  'sms_sent',
  'referred_session',
  // Commerce events
  'add_to_cart',
  'add_to_wishlist',
  'view_cart',
  'initiate_purchase',
  'add_payment_info',
  'click_ad',
  'purchase',
  'spend_credits',
  'subscribe',
  'start_trial',
  'view_ad',
  'reserve',
  // Content events
  'search',
  'view_item',
  'view_items',
  'rate',
  'share',
  'initiate_stream',
  'complete_stream',
  // User lifecycle events
  'complete_registration',
  'complete_tutorial',
  'achieve_level',
  'unlock_achievement',
  'invite',
  'login',
]);

/** Canonical form of an event name and whether Branch defines it. */
export interface CanonicalEventName {
  name: string;
  standard: boolean;
}

/**
 * Reads a Branch event name. Standard names match case-insensitively, with spaces and dashes read
 * as underscores (`OPEN`, `open`, `web session start`); custom names pass through trimmed.
 */
export function canonicalizeEventName(rawName: string): CanonicalEventName {
  const trimmed = rawName.trim();
  const candidate = trimmed.toLowerCase().replace(/[\s-]+/g, '_');
  if (STANDARD_EVENT_NAMES.has(candidate)) return { name: candidate, standard: true };
  return { name: trimmed, standard: false };
}

/**
 * Reads and canonicalises the event name of a webhook body.
 *
 * @throws InvalidEventError with reason `missing_event_name` when the name is absent or blank.
 */
export function readEventName(value: JsonValue | undefined, field: string): CanonicalEventName & { rawName: string } {
  const rawName = readText(value);
  const canonical = rawName === undefined ? undefined : canonicalizeEventName(rawName);
  if (rawName === undefined || canonical === undefined || canonical.name === '') {
    throw new InvalidEventError('missing_event_name', `Branch event has no name in "${field}": ${JSON.stringify(value ?? null)}`);
  }
  return { rawName, ...canonical };
}
