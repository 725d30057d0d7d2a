import { InvalidEventError } from '../errors';
import type { JsonValue } from './json';
import { isAbsent } from './values';

/**
 * Reads an event time sent as epoch seconds, milliseconds, microseconds or nanoseconds (number or
 * numeric string) or as an ISO-8601 string, and returns integer epoch milliseconds. The unit of a
 * number is told by its size: any time after 1971 has 11+ digits in ms, 14+ in µs, 17+ in ns, and
 * at most 10 digits in seconds until the year 2286.
 *
 * @throws InvalidEventError with reason `invalid_time` for anything else.
 */
export function readEventTime(value: JsonValue | undefined, field: string): number | undefined {
  if (isAbsent(value) || value === '') return undefined;

  if (typeof value === 'number' || (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value))) {
    const numeric = Number(value);
    if (!Number.isFinite(numeric) || numeric <= 0) throw invalidTime(field, value);
    return Math.round(toMilliseconds(numeric));
  }

  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw invalidTime(field, value);
    return parsed;
  }

  throw invalidTime(field, value);
}

function toMilliseconds(numeric: number): number {
  if (numeric < 1e11) return numeric * 1000;
  if (numeric < 1e14) return numeric;
  if (numeric < 1e17) return numeric / 1e3;
  return numeric / 1e6;
}

function invalidTime(field: string, value: JsonValue): InvalidEventError {
  return new InvalidEventError('invalid_time', `${field} is not a valid time: ${JSON.stringify(value)}`);
}
