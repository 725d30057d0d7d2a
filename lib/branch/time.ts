import { InvalidEventError } from '../errors';
import type { JsonValue } from './json';
import { isAbsent, removeDigitGrouping } from './values';

const EPOCH_NUMBER = /^\s*\d+(?:\.\d+)?\s*$/;

// ISO-8601 date or date-time, with `T` or a space between them, optional fraction of a second and
// optional UTC offset (`Z`, `+02:00`, `+0200`, `+02`).
const ISO_8601 = /^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/**
 * Reads an event time sent as epoch seconds, milliseconds, microseconds or nanoseconds (number or
 * numeric string) or as an ISO-8601 string, and returns integer epoch milliseconds. The unit of a
 * number is inferred from its size: any time after March 1973 has 12+ digits in ms, 15+ in µs and 18+
 * in ns, and a time in seconds has at most 11 digits until the year 5138. An ISO time without an
 * offset is read as UTC, which is what Branch sends.
 *
 * @throws InvalidEventError with reason `invalid_time` for anything else, including zero and
 *   negative numbers.
 */
export function readEventTime(value: JsonValue | undefined, field: string): number | undefined {
  if (isAbsent(value) || value === '') return undefined;

  // Template bodies may group digits ("1,717,243,265,123"), see removeDigitGrouping.
  const text = typeof value === 'string' ? removeDigitGrouping(value) : undefined;
  if (typeof value === 'number' || (text !== undefined && EPOCH_NUMBER.test(text))) {
    const numeric = typeof value === 'number' ? value : Number(text);
    if (!Number.isFinite(numeric) || numeric <= 0) throw invalidTime(field, value);
    return Math.round(toMilliseconds(numeric));
  }

  if (typeof value === 'string') {
    const parsed = parseIso8601(value);
    if (parsed === undefined) throw invalidTime(field, value);
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

/** Parses an ISO-8601 date or date-time into epoch milliseconds, or returns undefined. */
export function parseIso8601(text: string): number | undefined {
  const match = ISO_8601.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset = 'Z'] = match;

  const fields = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = fields;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  // Date.UTC reads years 0-99 as 1900-1999; no Branch event is that old, so they are invalid.
  if (y < 100) return undefined;

  const milliseconds = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s) + milliseconds;
  // Date.UTC rolls 31 April over to 1 May; such a date is invalid, not a different day.
  if (new Date(Date.UTC(y, mo - 1, d)).getUTCDate() !== d) return undefined;

  return utc - readOffsetMinutes(offset) * 60_000;
}

function readOffsetMinutes(offset: string): number {
  if (offset.toUpperCase() === 'Z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  return sign * (hours * 60 + minutes);
}

function invalidTime(field: string, value: JsonValue): InvalidEventError {
  return new InvalidEventError('invalid_time', `${field} is not a valid time: ${JSON.stringify(value)}`);
}
