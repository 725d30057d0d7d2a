import { computeBackoffDelay, parseRetryAfter } from '../../lib/mixpanel/backoff';
import { DEFAULT_CLIENT_OPTIONS } from '../../lib/mixpanel/client-options';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

describe('computeBackoffDelay', () => {
  test.each([
    [0, 3000],
    [1, 5000],
    [4, 33_000],
    [5, 61_000],
    [20, 61_000],
  ])('retry %i with least jitter waits %i ms', (retry, expected) => {
    expect(computeBackoffDelay(retry, DEFAULT_CLIENT_OPTIONS, () => 0)).toBe(expected);
  });

  test('jitter stays under 5 s', () => {
    expect(computeBackoffDelay(0, DEFAULT_CLIENT_OPTIONS, () => 0.999999)).toBe(2000 + 4999);
  });

  test('longer Retry-After wins', () => {
    expect(computeBackoffDelay(0, DEFAULT_CLIENT_OPTIONS, () => 0, 10_000)).toBe(10_000);
  });

  test('shorter Retry-After ignored', () => {
    expect(computeBackoffDelay(0, DEFAULT_CLIENT_OPTIONS, () => 0, 500)).toBe(3000);
  });
});

describe('parseRetryAfter', () => {
  test('reads seconds', () => {
    expect(parseRetryAfter('7', NOW)).toBe(7000);
  });

  test('reads an HTTP date', () => {
    expect(parseRetryAfter(new Date(NOW + 45_000).toUTCString(), NOW)).toBe(45_000);
  });

  test('past date means no wait', () => {
    expect(parseRetryAfter(new Date(NOW - 45_000).toUTCString(), NOW)).toBe(0);
  });

  test.each([[null], [''], ['soon'], ['-3']])('ignores %p', (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });
});
