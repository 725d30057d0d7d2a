/**
 * Reasons for a permanent failure: sending the event again unchanged cannot succeed.
 *
 * - `mixpanel_validation_failed`: a strict-mode `failed_records` row names the event.
 * - `mixpanel_bad_request`: Mixpanel responded 400 without rows to the event sent on its own.
 * - `too_large`: the event alone is over the request size limit (a 413, or too big to send at all).
 * - `invalid_event`: the event cannot be serialised as JSON.
 */
export type RejectedReason = 'mixpanel_validation_failed' | 'mixpanel_bad_request' | 'too_large' | 'invalid_event';

/**
 * Reasons for a transient failure: the event was not imported for now and may be sent again
 * later. Resending is safe, because Mixpanel deduplicates on `$insert_id`.
 *
 * - `mixpanel_rate_limited`: 429.
 * - `mixpanel_server_error`: 408 or 5xx.
 * - `mixpanel_timeout`, `mixpanel_network_error`: no response.
 * - `mixpanel_auth_failed`: 401 or 403, a configuration error that retrying here cannot fix.
 * - `mixpanel_unexpected_response`: a response that is not Mixpanel's, such as `1` from a proxy.
 * - `mixpanel_count_mismatch`: Mixpanel imported fewer events than it reported as failed or sent.
 * - `deadline_exceeded`: no time was left before the caller's deadline to send the event.
 */
export type RetryReason =
  | 'mixpanel_rate_limited'
  | 'mixpanel_server_error'
  | 'mixpanel_timeout'
  | 'mixpanel_network_error'
  | 'mixpanel_auth_failed'
  | 'mixpanel_unexpected_response'
  | 'mixpanel_count_mismatch'
  | 'deadline_exceeded';

/** Result of one event sent to Mixpanel's `/import`. */
export type ImportOutcome =
  | { status: 'delivered' }
  | {
      /** Mixpanel refused the event; sending it again unchanged cannot succeed. */
      status: 'rejected';
      reason: RejectedReason;
      message: string;
      /** Field that failed validation, as in `failed_records` (e.g. `properties.time`). */
      field?: string;
      /** `$insert_id` from the `failed_records` row, when Mixpanel sent one. */
      insertId?: string;
      httpStatus?: number;
    }
  | {
      /** The event was not delivered for now (timeout, rate limit, outage, credentials); try again later. */
      status: 'retry';
      reason: RetryReason;
      message: string;
      httpStatus?: number;
      /** Number of requests that carried the event. */
      attempts: number;
      /** Milliseconds the client would have waited before its next attempt, when it computed a backoff. */
      retryAfterMs?: number;
    };

export type DeliveredOutcome = Extract<ImportOutcome, { status: 'delivered' }>;
export type RejectedOutcome = Extract<ImportOutcome, { status: 'rejected' }>;
export type RetryOutcome = Extract<ImportOutcome, { status: 'retry' }>;
