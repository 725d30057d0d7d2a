import type { JsonValue } from '../branch/json';

/** Properties of a Mixpanel event. */
export type MixpanelProperties = { [key: string]: JsonValue };

/** One event in the shape Mixpanel's `/import` takes. */
export interface MixpanelEvent {
  event: string;
  properties: MixpanelProperties & {
    /** Epoch milliseconds. */
    time: number;
    distinct_id: string;
    $insert_id: string;
  };
}
