import type { BranchEvent } from '../branch/event';
import { canonicalizeEventName } from '../branch/event-names';
import type { MappingConfig } from '../config';
import { ConfigurationError } from '../errors';
import { cleanText } from './text';

/** Mixpanel event names per canonical Branch event name (`install`, `add_to_cart`, or a custom name). */
export type EventNameRenames = Readonly<Record<string, string>>;

/** Environment variable that contains the rename map as JSON. */
export const EVENT_NAME_RENAMES_VARIABLE = 'EVENT_NAME_RENAMES';

// Mixpanel truncates longer event names, so a rename this long is a mistake worth reporting.
const MAX_EVENT_NAME_LENGTH = 255;

/**
 * Returns the Mixpanel event name of a Branch event. A renamed event gets its rename exactly as
 * written, without the prefix. Any other event gets `EVENT_NAME_PREFIX` followed by the canonical
 * name. The result is cut to 255 characters, the length Mixpanel keeps.
 */
export function resolveEventName(event: BranchEvent, mapping: MappingConfig): string {
  const renames = mapping.eventNameRenames ?? {};
  const renamed = Object.hasOwn(renames, event.name) ? renames[event.name] : undefined;
  return cleanText(renamed ?? `${mapping.eventNamePrefix}${event.name}`);
}

/**
 * Parses the `EVENT_NAME_RENAMES` value, a JSON object such as `{"install": "App Installed"}`.
 * Keys are read like webhook event names, so `INSTALL`, `install` and `Install` are the same key,
 * and a legacy `web session start` is `web_session_start`. Custom event names must match exactly.
 * Unset or blank means no renames.
 *
 * @throws ConfigurationError naming the variable and the value when the JSON is invalid, a key or
 *   name is empty, a name is longer than 255 characters, or two keys name one event differently.
 */
export function parseEventNameRenames(text: string | undefined): EventNameRenames {
  if (text === undefined || text.trim() === '') return {};

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidRenames(text, `it is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRenames(text, 'it must be a JSON object of Branch event name to Mixpanel event name');
  }

  const renames = new Map<string, string>();
  for (const [key, name] of Object.entries(parsed)) {
    const canonical = canonicalizeEventName(key).name;
    if (canonical === '') throw invalidRenames(text, 'a Branch event name is empty');
    if (typeof name !== 'string' || name.trim() === '') {
      throw invalidRenames(text, `the Mixpanel name for ${JSON.stringify(key)} must be a non-empty string`);
    }
    if (name.length > MAX_EVENT_NAME_LENGTH) {
      throw invalidRenames(text, `the Mixpanel name for ${JSON.stringify(key)} is longer than ${MAX_EVENT_NAME_LENGTH} characters`);
    }
    const earlier = renames.get(canonical);
    if (earlier !== undefined && earlier !== name) {
      throw invalidRenames(text, `${JSON.stringify(key)} and another key both name the event "${canonical}", with different names`);
    }
    renames.set(canonical, name);
  }
  return Object.fromEntries(renames);
}

function invalidRenames(text: string, reason: string): ConfigurationError {
  const shown = text.length > 200 ? `${text.slice(0, 200)}...` : text;
  return new ConfigurationError(
    `Invalid configuration: ${EVENT_NAME_RENAMES_VARIABLE}=${JSON.stringify(shown)}: ${reason}. ` +
      `Expected a JSON object such as {"install":"App Installed"}`,
  );
}
