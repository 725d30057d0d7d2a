/** What became of one event sent to Mixpanel's `/import`. */
export type ImportOutcome =
  | { status: 'delivered' }
  | {
      /** Mixpanel refused the event; sending it again unchanged cannot succeed. */
      status: 'rejected';
      reason: string;
      message: string;
      field?: string;
      httpStatus?: number;
    }
  | {
      /** The event was not delivered for now (timeout, rate limit, outage, credentials); try again later. */
      status: 'retry';
      reason: string;
      message: string;
      httpStatus?: number;
    };

export type RejectedOutcome = Extract<ImportOutcome, { status: 'rejected' }>;
export type RetryOutcome = Extract<ImportOutcome, { status: 'retry' }>;
