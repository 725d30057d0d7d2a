/** A key list, in an object's own order, and the same keys sorted. */
interface KeyOrder {
  keys: readonly string[];
  sorted: readonly string[];
}

// Bounds of the cache, so that untrusted bodies with ever new keys cannot grow it without limit.
// At most 256 lists of at most 64 keys of at most 64 characters each are kept, about 1 million
// characters. Once the cache is full, further key lists are sorted on every call.
const MAX_CACHED_LISTS = 256;
const MAX_CACHED_KEYS = 64;
const MAX_CACHED_KEY_LENGTH = 64;

// Key lists seen so far, grouped by their first key.
const cache = new Map<string, KeyOrder[]>();
let cachedLists = 0;

/**
 * Returns the own enumerable string keys of an object sorted by UTF-16 code units, as
 * `Object.keys(object).sort()` does. Webhooks of one kind repeat the same keys in the same order,
 * and sorting strings costs far more than comparing a key list with one seen before, so the sorted
 * order of each list is cached. The returned array may be shared between calls and must not be changed.
 */
export function sortedKeys(object: object): readonly string[] {
  const keys = Object.keys(object);
  if (keys.length < 2) return keys;

  const bucket = cache.get(keys[0]!);
  if (bucket !== undefined) {
    for (const order of bucket) {
      if (isSameList(order.keys, keys)) return order.sorted;
    }
  }

  const sorted = [...keys].sort();
  if (isCacheable(keys)) {
    const order: KeyOrder = { keys, sorted };
    if (bucket === undefined) cache.set(keys[0]!, [order]);
    else bucket.push(order);
    cachedLists += 1;
  }
  return sorted;
}

function isSameList(cached: readonly string[], keys: readonly string[]): boolean {
  if (cached.length !== keys.length) return false;
  for (let index = 0; index < keys.length; index += 1) {
    if (cached[index] !== keys[index]) return false;
  }
  return true;
}

function isCacheable(keys: readonly string[]): boolean {
  if (cachedLists >= MAX_CACHED_LISTS || keys.length > MAX_CACHED_KEYS) return false;
  for (const key of keys) {
    if (key.length > MAX_CACHED_KEY_LENGTH) return false;
  }
  return true;
}
