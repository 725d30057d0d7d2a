import type { JsonValue } from '../branch/json';
import { isAbsent } from '../branch/values';
import { DROPPED_COUNT_PROPERTY } from './limits';
import { sortedKeys } from './sorted-keys';

/**
 * Property names Mixpanel gives a meaning of its own (Mixpanel docs, "Reserved and default
 * properties" and "Import Events"), plus this mapping's dropped count. A Branch or app key with one
 * of these names, or starting with `mp_` or `$mp_`, must not override it.
 */
export const RESERVED_PROPERTY_NAMES: ReadonlySet<string> = new Set([
  'time',
  'distinct_id',
  'token',
  'ip',
  'bucket',
  '$insert_id',
  '$ignore',
  '$ignore_time',
  '$device_id',
  '$user_id',
  '$distinct_id',
  '$anon_id',
  '$identified_id',
  '$distinct_id_before_identity',
  '$time',
  '$import',
  '$source',
  DROPPED_COUNT_PROPERTY,
]);

/** Prefix that keeps a colliding source key apart from the mapped property of the same name. */
export const COLLISION_PREFIX = 'branch_';

// A key can collide again after one prefix (`event_id` -> mapped `branch_event_id`), so the prefix
// is repeated a few times before the value is given up.
const MAX_COLLISION_PREFIXES = 3;

/** Tells whether a property name is reserved by Mixpanel (or by this mapping, for the dropped count). */
export function isReservedName(key: string): boolean {
  return RESERVED_PROPERTY_NAMES.has(key) || key.startsWith('mp_') || key.startsWith('$mp_');
}

/**
 * Collects event properties in priority order. Mapped properties are set by the mapping itself.
 * Source fields copied verbatim from the webhook never override them or a reserved name, because
 * a colliding field is kept under a `branch_` prefix instead.
 */
export class PropertyBuilder {
  // Entries in insertion order, and the same entries by name. A plain object would move
  // integer-like keys ("42") ahead of `time` and `distinct_id`, and would treat `__proto__` as its
  // prototype. Setting a name again replaces the value in place, as `Map.set` does.
  private readonly entries: Array<[string, JsonValue]> = [];
  private readonly properties = new Map<string, [string, JsonValue]>();

  /** Sets a property the mapping owns, unless the value is absent. */
  setMapped(key: string, value: JsonValue | undefined): void {
    if (isAbsent(value)) return;
    this.set(key, value);
  }

  private set(key: string, value: JsonValue): void {
    const entry = this.properties.get(key);
    if (entry !== undefined) {
      entry[1] = value;
      return;
    }
    const added: [string, JsonValue] = [key, value];
    this.properties.set(key, added);
    this.entries.push(added);
  }

  /**
   * Copies source fields verbatim in key order, each under `prefix + key`, moving a key that
   * collides with a set or reserved name under `branch_`. Sorting the keys makes the priority, and
   * so what the limits drop, independent of the key order of the webhook body.
   */
  addSourceFields(fields: Readonly<Record<string, JsonValue>>, prefix = ''): void {
    for (const key of sortedKeys(fields)) {
      const value = fields[key]!;
      if (isAbsent(value)) continue;
      const name = this.findFreeName(prefix + key);
      if (name !== undefined) this.set(name, value);
    }
  }

  private findFreeName(name: string): string | undefined {
    let candidate = name;
    for (let attempt = 0; attempt <= MAX_COLLISION_PREFIXES; attempt += 1) {
      if (!isReservedName(candidate) && !this.properties.has(candidate)) return candidate;
      candidate = COLLISION_PREFIX + candidate;
    }
    return undefined;
  }

  /** Tells whether a property is already set. */
  has(key: string): boolean {
    return this.properties.has(key);
  }

  /** Returns the collected properties as entries in insertion (priority) order. */
  build(): Array<[string, JsonValue]> {
    return this.entries.map(([key, value]) => [key, value]);
  }

  /** Returns the builder's own entries in insertion (priority) order, without copying them, so callers must not change them. */
  readEntries(): ReadonlyArray<readonly [string, JsonValue]> {
    return this.entries;
  }
}
