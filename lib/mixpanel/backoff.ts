/** Settings of the exponential backoff, all in milliseconds. */
export interface BackoffSettings {
  initialDelayMs: number;
  maxDelayMs: number;
  jitterMinMs: number;
  jitterMaxMs: number;
}

/**
 * Computes the wait before retry number `retry` (0 for the first retry): `initialDelayMs` doubled
 * per retry and capped at `maxDelayMs`, plus jitter drawn from `[jitterMinMs, jitterMaxMs]`.
 * Mixpanel's "429 Too Many Requests" page recommends exactly this shape (2 s doubling to 60 s, plus
 * 1-5 s of jitter) so that concurrent clients do not retry in lockstep. A `Retry-After` longer
 * than the computed delay wins.
 *
 * @param random returns a number in [0, 1), like `Math.random`.
 */
export function computeBackoffDelay(retry: number, settings: BackoffSettings, random: () => number, retryAfterMs?: number): number {
  const exponential = Math.min(settings.initialDelayMs * 2 ** retry, settings.maxDelayMs);
  const jitter = settings.jitterMinMs + Math.floor(random() * (settings.jitterMaxMs - settings.jitterMinMs));
  const delay = exponential + jitter;
  return retryAfterMs === undefined ? delay : Math.max(delay, retryAfterMs);
}

/**
 * Reads a `Retry-After` header (RFC 9110, section 10.2.3): delay seconds or an HTTP date.
 * Returns the wait in ms from `nowMs`, or `undefined` when the header is absent or invalid.
 * Mixpanel does not document this header for `/import`, but proxies in front of it may send it.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;

  // Every HTTP date form starts with the day name. `Date.parse` alone would accept text like "-3".
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
