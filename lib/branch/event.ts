import type { JsonObject } from './json';

/**
 * Webhook formats: Branch's current ("event ontology") JSON, its legacy JSON, and the flat
 * key-value form (query string, form body or flat JSON) that the published FreeMarker template renders.
 */
export type BranchFormat = 'current' | 'legacy' | 'flat';

/** Device identifiers in the order the mapping prefers them for `$device_id`. */
export type DeviceIdType =
  | 'idfv'
  | 'aaid'
  | 'android_id'
  | 'idfa'
  | 'browser_fingerprint_id'
  | 'hardware_id'
  | 'google_advertising_id'
  | 'browser_id';

/** One usable device identifier. */
export interface DeviceId {
  type: DeviceIdType;
  value: string;
}

/** Device, OS and network facts about the user, already read into Mixpanel's default property names. */
export interface BranchDevice {
  ip?: string;
  os?: string;
  osVersion?: string;
  model?: string;
  brand?: string;
  appVersion?: string;
  browser?: string;
  carrier?: string;
  referrer?: string;
}

/**
 * The canonical Branch event: what every webhook format is parsed into and all the transform reads.
 * Values keep Branch's own key names; absent values are left out rather than set to null.
 */
export interface BranchEvent {
  format: BranchFormat;
  /** Event name exactly as Branch sent it. */
  rawName: string;
  /** Ontology names in lower snake case (`install`, `add_to_cart`); custom names unchanged. */
  name: string;
  /** Whether the name is one of Branch's standard events. */
  standard: boolean;
  /** Branch's event id (current and flat formats), as a decimal string. */
  id?: string;
  /** Event time in epoch milliseconds, when the body carries one. */
  timestamp?: number;
  /** The app's own user id (`developer_identity`, legacy `identity`). */
  developerIdentity?: string;
  /** The app's Mixpanel distinct id (`$mixpanel_distinct_id`). */
  mixpanelDistinctId?: string;
  /** Usable device ids, best first. */
  deviceIds: DeviceId[];
  device: BranchDevice;
  /** Whether Branch attributed the event to a link (`attributed`, legacy `metadata.referred`). */
  attributed?: boolean;
  /** Link data of the touch the event is attributed to, with Branch's `~`, `$` and `+` keys. */
  linkData: JsonObject;
  /** Other event fields (touch type and time, first event for user, ...), keyed by their Mixpanel name without prefix. */
  eventFields: JsonObject;
  /** Other user fields (platform, language, geo, ...), keyed by their Branch name. */
  userFields: JsonObject;
  /** Standard event data (`event_data`) or legacy custom-event state. */
  eventData: JsonObject;
  /** Custom data the app attached, without request metadata such as `$mixpanel_distinct_id`. */
  customData: JsonObject;
  /** Content items (products, articles) of commerce and content events. */
  contentItems: JsonObject[];
}
