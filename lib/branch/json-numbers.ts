import type { JsonObject, JsonValue } from './json';

// Number tokens that JSON.parse may change: 16+ digits can exceed Number.MAX_SAFE_INTEGER
// (2^53 - 1, 16 digits), and a 3-digit exponent can overflow to Infinity. Branch sends 18-19 digit
// ids (`~id`, `di_match_click_token`, `click_id`) as bare numbers.

// An unsafe number token in value position. Ids sent as strings do not match, so most bodies skip
// the rewrite. Text inside a string that looks like `: 12345678901234567` only costs a rewrite,
// which leaves strings alone.
const UNSAFE_NUMBER_HINT = /[:[,]\s*-?(?:\d{16}|[\d.]+[eE][+-]?\d{3})/;
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

// A JSON string, or a run of number characters outside strings.
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d[-+.\deE]*/g;

/**
 * Rewrites the unsafe number tokens of any text, JSON or not, as JSON strings, so JSON.parse keeps
 * their digits. Only text that matches UNSAFE_NUMBER_HINT is rewritten. Tokens that are not valid
 * JSON numbers stay as they are, for JSON.parse to reject.
 */
export function quoteUnsafeNumbers(text: string): string {
  if (!UNSAFE_NUMBER_HINT.test(text)) return text;
  return text.replace(STRING_OR_NUMBER, (token) => {
    if (token.startsWith('"') || !JSON_NUMBER.test(token) || isExactDouble(token)) return token;
    return `"${token}"`;
  });
}

/** Tells whether JSON.parse reads a number token as exactly the number it writes. */
function isExactDouble(token: string): boolean {
  const value = Number(token);
  if (!Number.isFinite(value)) return false;
  const isInteger = !/[.eE]/.test(token);
  return !isInteger || Number.isSafeInteger(value);
}

/**
 * Tells whether a parsed number may come from an unsafe token. An unsafe token parses to an
 * integer-valued double beyond Number.MAX_SAFE_INTEGER in magnitude, or to Infinity. Safe tokens
 * such as `1e20` can parse to such a number too.
 */
export function isLargeNumber(value: number): boolean {
  return value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER;
}

/** A number token outside strings whose value is a large number. */
interface LargeNumberToken {
  /** Position of the token's first character in the text. */
  start: number;
  text: string;
  value: number;
}

// A number token in value position with 16 or more digits before any `.` or exponent, or with an
// exponent. Every token of a large number has one of the two, because JSON forbids leading zeros.
// The token is captured whole. Matches inside strings are skipped by the caller.
const LARGE_NUMBER_CANDIDATE = /[:[,]\s*(-?(?:\d{16}|[\d.]+[eE])[-+.\deE]*)/g;

/**
 * Finds every number token of a large value in text that JSON.parse accepts, in text order,
 * except a number that is the whole text. Only the tokens that LARGE_NUMBER_CANDIDATE finds are
 * read, and the quotes before each one are counted to tell whether it sits inside a string, so
 * the cost depends on those tokens instead of on every string of the text.
 */
function findLargeNumberTokens(text: string): LargeNumberToken[] {
  const tokens: LargeNumberToken[] = [];
  const strings = new StringScanner(text);
  const candidates = LARGE_NUMBER_CANDIDATE;
  candidates.lastIndex = 0;
  for (let match = candidates.exec(text); match !== null; match = candidates.exec(text)) {
    const token = match[1]!;
    const start = match.index + match[0].length - token.length;
    if (strings.isInsideString(start)) continue;
    const value = Number(token);
    if (isLargeNumber(value)) tokens.push({ start, text: token, value });
  }
  return tokens;
}

/** Does what quoteUnsafeNumbers does, for text that JSON.parse accepts, by reading only the tokens of large numbers. */
export function quoteUnsafeNumbersOfValidJson(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  for (const token of findLargeNumberTokens(text)) {
    if (isExactDouble(token.text)) continue;
    result += `${text.slice(copiedUpTo, token.start)}"${token.text}"`;
    copiedUpTo = token.start + token.text.length;
  }
  return copiedUpTo === 0 ? text : result + text.slice(copiedUpTo);
}

/** Tells, for increasing positions of valid JSON text, whether each lies inside a string. */
class StringScanner {
  // Every position before `scanned` has been classified, and `scanned` itself is outside a string.
  private scanned = 0;
  // Start and end (the closing quote) of the last string found.
  private stringStart = -1;
  private stringEnd = -1;

  constructor(private readonly text: string) {}

  /** Classifies `position`, which must not be smaller than in the previous call. */
  isInsideString(position: number): boolean {
    while (position > this.stringEnd) {
      const open = this.text.indexOf('"', this.scanned);
      if (open === -1 || open > position) return false;
      this.stringStart = open;
      this.stringEnd = this.findClosingQuote(open);
      this.scanned = this.stringEnd + 1;
    }
    return position > this.stringStart;
  }

  // Valid JSON closes every string. An unclosed one runs to the end of the text.
  private findClosingQuote(open: number): number {
    let close = this.text.indexOf('"', open + 1);
    while (close !== -1 && isEscaped(this.text, close)) close = this.text.indexOf('"', close + 1);
    return close === -1 ? this.text.length : close;
  }
}

// A quote is escaped when an odd number of backslashes precede it.
function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes += 1;
  return backslashes % 2 === 1;
}

/** A large number inside a parsed value: the list or object that contains it, and its index or key. */
export interface LargeNumberSlot {
  container: JsonValue[] | JsonObject;
  key: number | string;
  value: number;
}

// Nesting up to which a parsed value is searched by recursion, so a hostile body cannot exhaust
// the call stack. Branch bodies are at most 4 levels deep.
const MAX_SEARCH_DEPTH = 64;

/**
 * Appends the large numbers inside a parsed list or object to `slots`, in no particular order.
 * Returns false, with `slots` incomplete, when the value nests deeper than 64 levels.
 */
export function collectLargeNumbers(container: JsonValue[] | JsonObject, slots: LargeNumberSlot[], depth = 1): boolean {
  if (depth > MAX_SEARCH_DEPTH) return false;
  if (Array.isArray(container)) {
    for (let index = 0; index < container.length; index += 1) {
      if (!collectMember(container, index, container[index]!, slots, depth)) return false;
    }
    return true;
  }
  const keys = Object.keys(container);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index]!;
    if (!collectMember(container, key, container[key]!, slots, depth)) return false;
  }
  return true;
}

function collectMember(container: JsonValue[] | JsonObject, key: number | string, member: JsonValue, slots: LargeNumberSlot[], depth: number): boolean {
  if (typeof member === 'number') {
    if (isLargeNumber(member)) slots.push({ container, key, value: member });
    return true;
  }
  if (typeof member !== 'object' || member === null) return true;
  return collectLargeNumbers(member, slots, depth + 1);
}

/**
 * Replaces the large numbers of a value that JSON.parse returned for `text` with the text of their
 * unsafe tokens, as parsing the text with those tokens quoted would return them. Returns false, and
 * leaves the value unchanged, when the tokens cannot be matched to the slots by value.
 *
 * Each slot holds the number of one token, and every large token is found, so equal counts mean
 * that no large token was overwritten by a duplicate key. A slot's token is then found by the
 * slot's number, which is certain when all tokens of that number have the same text.
 */
export function restoreLargeNumbers(text: string, slots: readonly LargeNumberSlot[]): boolean {
  const tokens = findLargeNumberTokens(text);
  if (tokens.length !== slots.length) return false;
  const tokensByValue = new Map<number, LargeNumberToken>();
  for (const token of tokens) {
    const seen = tokensByValue.get(token.value);
    if (seen === undefined) tokensByValue.set(token.value, token);
    else if (seen.text !== token.text) return false;
  }
  for (const slot of slots) {
    if (!tokensByValue.has(slot.value)) return false;
  }

  for (const slot of slots) {
    const token = tokensByValue.get(slot.value)!;
    if (isExactDouble(token.text)) continue;
    // The key is an own data property of the container, so assignment replaces its value, even for `__proto__`.
    (slot.container as Record<number | string, JsonValue>)[slot.key] = token.text;
  }
  return true;
}
