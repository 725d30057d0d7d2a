import { ConfigurationError } from '../errors';

/** Maximum events in one `/import` request (Mixpanel's "Import Events" reference). */
export const MAX_EVENTS_PER_REQUEST = 2000;

/**
 * Mixpanel's limit of 10MB of uncompressed JSON per `/import` request. The docs do not say whether
 * MB means 10^6 or 2^20 bytes, so the smaller reading is the hard limit here.
 */
export const MAX_REQUEST_BYTES = 10_000_000;

/** Tuning of the import client. Every field is optional; {@link DEFAULT_CLIENT_OPTIONS} fills the gaps. */
export interface ImportClientOptions {
  /** Events per request, at most 2000. */
  maxBatchEvents?: number;
  /** Uncompressed bytes per request, at most 10,000,000. */
  maxBatchBytes?: number;
  /** Requests in flight at once within one `importEvents` call. */
  concurrency?: number;
  /** Retries of one batch after a transient failure (429, 5xx, timeout, network error). */
  maxRetries?: number;
  /** Retries shared by all batches of one `importEvents` call, so an outage cannot multiply requests. */
  retryBudget?: number;
  /** First backoff delay in ms; each retry doubles it. */
  initialDelayMs?: number;
  /** Cap of the doubled backoff delay in ms, before jitter. */
  maxDelayMs?: number;
  /** Smallest random jitter in ms added to each backoff delay. */
  jitterMinMs?: number;
  /** Largest random jitter in ms added to each backoff delay. */
  jitterMaxMs?: number;
  /** A request is not started when fewer ms than this remain before the caller's deadline. */
  minRequestTimeMs?: number;
}

/**
 * Defaults of {@link ImportClientOptions}. The backoff follows Mixpanel's "429 Too Many Requests"
 * troubleshooting page: start at 2 s, double up to 60 s, add 1-5 s of jitter. The byte limit keeps
 * a 10% margin under {@link MAX_REQUEST_BYTES}. Concurrency 5 bounds memory to about five 9 MB
 * bodies, although Mixpanel's page suggests 10-20 concurrent clients for backfills.
 */
export const DEFAULT_CLIENT_OPTIONS: Required<ImportClientOptions> = {
  maxBatchEvents: MAX_EVENTS_PER_REQUEST,
  maxBatchBytes: 9_000_000,
  concurrency: 5,
  maxRetries: 5,
  retryBudget: 20,
  initialDelayMs: 2_000,
  maxDelayMs: 60_000,
  jitterMinMs: 1_000,
  jitterMaxMs: 5_000,
  minRequestTimeMs: 50,
};

/**
 * Fills unset options with defaults and checks them.
 *
 * @throws ConfigurationError naming the first invalid option.
 */
export function resolveClientOptions(options: ImportClientOptions = {}): Required<ImportClientOptions> {
  const defined = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: Required<ImportClientOptions> = { ...DEFAULT_CLIENT_OPTIONS, ...defined };

  requireInteger(resolved, 'maxBatchEvents', 1, MAX_EVENTS_PER_REQUEST);
  requireInteger(resolved, 'maxBatchBytes', 1, MAX_REQUEST_BYTES);
  requireInteger(resolved, 'concurrency', 1, Number.MAX_SAFE_INTEGER);
  for (const name of ['maxRetries', 'retryBudget', 'initialDelayMs', 'maxDelayMs', 'jitterMinMs', 'jitterMaxMs', 'minRequestTimeMs'] as const) {
    requireInteger(resolved, name, 0, Number.MAX_SAFE_INTEGER);
  }
  if (resolved.jitterMinMs > resolved.jitterMaxMs) {
    throw new ConfigurationError(
      `Invalid Mixpanel client option jitterMinMs=${resolved.jitterMinMs}: it must not exceed jitterMaxMs=${resolved.jitterMaxMs}`,
    );
  }
  return resolved;
}

function requireInteger(options: Required<ImportClientOptions>, name: keyof ImportClientOptions, min: number, max: number): void {
  const value = options[name];
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(`Invalid Mixpanel client option ${name}=${String(value)}: expected an integer from ${min} to ${max}`);
  }
}
