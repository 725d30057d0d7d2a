/** Step of the pipeline where a request failed. */
export type FailureStage = 'configuration' | 'parse' | 'transform' | 'import' | 'queue';

/** One row of `failed_records` in Mixpanel's response to a strict `/import`. */
export interface FailedRecord {
  index: number;
  insert_id?: string;
  field?: string;
  message: string;
}

/**
 * Base of every error the pipeline raises for a request. `permanent` errors need a person (the
 * request goes to the dead-letter queue); transient ones may succeed when tried again.
 */
export abstract class PipelineError extends Error {
  abstract readonly stage: FailureStage;
  abstract readonly permanent: boolean;
  /** Short snake_case code, stored with the dead-lettered request and used as a queue message attribute. */
  readonly reason: string;

  protected constructor(reason: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.reason = reason;
  }
}

/** The body is not JSON, form data or a query string that a Branch parser can read. */
export class InvalidBodyError extends PipelineError {
  readonly stage = 'parse';
  readonly permanent = true;

  constructor(reason: 'invalid_json' | 'empty_body' | 'invalid_body' | 'unknown_format', message: string, options?: ErrorOptions) {
    super(reason, message, options);
  }
}

/** The body was read but the Branch event in it cannot become a Mixpanel event. */
export class InvalidEventError extends PipelineError {
  readonly stage = 'transform';
  readonly permanent = true;

  constructor(reason: string, message: string, options?: ErrorOptions) {
    super(reason, message, options);
  }
}

/** Mixpanel rejected the events as invalid, so sending them again unchanged cannot succeed. */
export class MixpanelRejectedError extends PipelineError {
  readonly stage = 'import';
  readonly permanent = true;
  readonly httpStatus: number | undefined;
  readonly failedRecords: FailedRecord[];

  constructor(reason: string, message: string, details: { httpStatus?: number; failedRecords?: FailedRecord[] } = {}) {
    super(reason, message);
    this.httpStatus = details.httpStatus;
    this.failedRecords = details.failedRecords ?? [];
  }
}

/** Mixpanel could not take the events now (timeout, rate limit, server error, network error). */
export class MixpanelUnavailableError extends PipelineError {
  readonly stage = 'import';
  readonly permanent = false;
  readonly httpStatus: number | undefined;

  constructor(reason: string, message: string, details: { httpStatus?: number; cause?: unknown } = {}) {
    super(reason, message, { cause: details.cause });
    this.httpStatus = details.httpStatus;
  }
}

/** Configuration is missing or invalid; raised when a handler starts, before any request is read. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** A queue could not store a message. */
export class QueueSendError extends Error {
  readonly queueUrl: string;

  constructor(queueUrl: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueueSendError';
    this.queueUrl = queueUrl;
  }
}
