import { InvalidBodyError } from '../errors';
import type { BranchEvent } from './event';
import { parseCurrentFormat } from './current-format';
import { isJsonObject, parseJsonLossless, type JsonValue } from './json';
import { parseLegacyFormat } from './legacy-format';

/**
 * Parses a webhook body into the canonical Branch event. The format is told by the body: `name`,
 * `user_data` or `last_attributed_touch_data` mark the current format, `event` the legacy one.
 *
 * @throws InvalidBodyError when the body is empty, not JSON or of no known format.
 * @throws InvalidEventError when a known format lacks what the mapping needs.
 */
export function parseBranchBody(body: string): BranchEvent {
  if (body.trim() === '') throw new InvalidBodyError('empty_body', 'Request body is empty');

  let parsed: JsonValue;
  try {
    parsed = parseJsonLossless(body);
  } catch (error) {
    throw new InvalidBodyError('invalid_json', `Request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isJsonObject(parsed)) {
    throw new InvalidBodyError('invalid_body', `Request body must be a JSON object; got ${describeJson(parsed)}`);
  }

  if ('name' in parsed || 'user_data' in parsed || 'last_attributed_touch_data' in parsed) return parseCurrentFormat(parsed);
  if ('event' in parsed) return parseLegacyFormat(parsed);

  const keys = Object.keys(parsed).slice(0, 10).join(', ');
  throw new InvalidBodyError('unknown_format', `Body is not a Branch webhook: no "name" or "event" key (keys: ${keys || 'none'})`);
}

function describeJson(value: JsonValue): string {
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return value === null ? 'null' : `a ${typeof value}`;
}
