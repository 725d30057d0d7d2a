import type { JsonValue } from '../branch/json';
import { isAbsent } from '../branch/values';
import type { MixpanelProperties } from './mixpanel-event';

// Property names Mixpanel gives a meaning of its own; a Branch or app key with one of these names
// must not override it (Mixpanel docs, "Reserved and default properties").
const RESERVED_NAMES = new Set([
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
  '$time',
  '$import',
  '$source',
]);

/** Tells whether a property name is reserved by Mixpanel. */
export function isReservedName(key: string): boolean {
  return RESERVED_NAMES.has(key) || key.startsWith('mp_');
}

/**
 * Collects event properties in priority order. Mapped properties are set by the mapping itself;
 * source fields copied verbatim from the webhook never override them or a reserved name, and are
 * kept under a `branch_` prefix instead.
 */
export class PropertyBuilder {
  private readonly properties: MixpanelProperties = {};

  /** Sets a property the mapping owns, unless the value is absent. */
  setMapped(key: string, value: JsonValue | undefined): void {
    if (isAbsent(value)) return;
    this.properties[key] = value;
  }

  /** Copies source fields verbatim, each under `prefix + key`, moving colliding keys under `branch_`. */
  addSourceFields(fields: Record<string, JsonValue>, prefix = ''): void {
    for (const [key, value] of Object.entries(fields)) {
      if (isAbsent(value)) continue;
      const name = prefix + key;
      if (!isReservedName(name) && !(name in this.properties)) {
        this.properties[name] = value;
        continue;
      }
      const prefixed = `branch_${name}`;
      if (!(prefixed in this.properties)) this.properties[prefixed] = value;
    }
  }

  /** Tells whether a property is already set. */
  has(key: string): boolean {
    return key in this.properties;
  }

  /** Returns the collected properties in insertion (priority) order. */
  build(): MixpanelProperties {
    return { ...this.properties };
  }
}
