import * as z from 'zod/mini';
import { ConfigurationError } from './errors';
import type { ImportClientOptions } from './mixpanel/client-options';
import { parseEventNameRenames, type EventNameRenames } from './transform/event-name';

/** Mixpanel data residency regions and their ingestion hosts. */
export const MIXPANEL_REGION_HOSTS = {
  us: 'https://api.mixpanel.com',
  eu: 'https://api-eu.mixpanel.com',
  in: 'https://api-in.mixpanel.com',
} as const;

export type MixpanelRegion = keyof typeof MIXPANEL_REGION_HOSTS;

/** Credentials the Mixpanel client authenticates to `/import` with. */
export type MixpanelCredentials =
  | { kind: 'service_account'; username: string; secret: string; projectId: string }
  | { kind: 'project_token'; token: string }
  | { kind: 'api_secret'; secret: string };

/** Settings of the Mixpanel `/import` client. */
export interface MixpanelConfig {
  /** Base URL without a trailing slash, for example `https://api-eu.mixpanel.com`. */
  apiUrl: string;
  credentials: MixpanelCredentials;
  /** Project token, when known, so a `$mixpanel_distinct_id` equal to it can be recognised as a mistake. */
  projectToken: string | undefined;
  /** Timeout of one `/import` request on the webhook path, in milliseconds. */
  requestTimeoutMs: number;
  /** Timeout of one `/import` request of a large batch (retry consumer, redrive), in milliseconds. */
  batchRequestTimeoutMs: number;
  /** Batching, concurrency and backoff of the import client; unset fields take the client's defaults. */
  client: ImportClientOptions;
}

/** Settings of the Branch to Mixpanel mapping. */
export interface MappingConfig {
  /** Text put before every Mixpanel event name that has no rename. */
  eventNamePrefix: string;
  /** Mixpanel ID merge mode of the project. */
  idMerge: 'simplified' | 'original';
  /**
   * Mixpanel event names per canonical Branch event name (`install`, or a custom name as sent),
   * used as written and without the prefix. Absent means no renames.
   */
  eventNameRenames?: EventNameRenames;
}

/** Settings of the retry queue and its consumer. */
export interface RetryConfig {
  /** Receives after which the consumer gives up and dead-letters a request; the queue's redrive policy uses the same count. */
  maxReceives: number;
  /** Visibility timeout after the first failed retry, in seconds; it doubles on each later one. */
  baseDelaySeconds: number;
  /** Upper bound of the visibility timeout between retries, in seconds (SQS allows at most 43200). */
  maxDelaySeconds: number;
}

/** Everything the handlers read from the environment. */
export interface Config {
  webhookSecret: string | undefined;
  /** Time budget of one webhook request in milliseconds; Branch gives up after 2000 ms. */
  webhookDeadlineMs: number;
  deadLetterQueueUrl: string | undefined;
  retryQueueUrl: string | undefined;
  retry: RetryConfig;
  mixpanel: MixpanelConfig;
  mapping: MappingConfig;
}

const optionalText = z.optional(z.string());
const optionalCount = z.optional(z.coerce.number().check(z.int(), z.nonnegative()));
const milliseconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

const environmentSchema = z.object({
  WEBHOOK_SECRET: optionalText,
  WEBHOOK_DEADLINE_MS: milliseconds(1500),
  DEAD_LETTER_QUEUE_URL: z.optional(z.url()),
  RETRY_QUEUE_URL: z.optional(z.url()),
  RETRY_MAX_RECEIVES: z._default(z.coerce.number().check(z.int(), z.positive()), 12),
  RETRY_BASE_DELAY_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(43200)), 30),
  RETRY_MAX_DELAY_SECONDS: z._default(z.coerce.number().check(z.int(), z.positive(), z.lte(43200)), 900),
  MIXPANEL_REGION: z._default(z.enum(['us', 'eu', 'in']), 'us'),
  MIXPANEL_API_URL: z.optional(z.url()),
  MIXPANEL_PROJECT_ID: optionalText,
  MIXPANEL_SERVICE_ACCOUNT_USERNAME: optionalText,
  MIXPANEL_SERVICE_ACCOUNT_SECRET: optionalText,
  MIXPANEL_PROJECT_TOKEN: optionalText,
  MIXPANEL_API_SECRET: optionalText,
  MIXPANEL_TIMEOUT_MS: milliseconds(1000),
  MIXPANEL_BATCH_TIMEOUT_MS: milliseconds(30000),
  MIXPANEL_BATCH_MAX_EVENTS: optionalCount,
  MIXPANEL_BATCH_MAX_BYTES: optionalCount,
  MIXPANEL_CONCURRENCY: optionalCount,
  MIXPANEL_MAX_RETRIES: optionalCount,
  MIXPANEL_RETRY_BUDGET: optionalCount,
  MIXPANEL_BACKOFF_INITIAL_MS: optionalCount,
  MIXPANEL_BACKOFF_MAX_MS: optionalCount,
  MIXPANEL_BACKOFF_JITTER_MIN_MS: optionalCount,
  MIXPANEL_BACKOFF_JITTER_MAX_MS: optionalCount,
  MIXPANEL_ID_MERGE: z._default(z.enum(['simplified', 'original']), 'simplified'),
  EVENT_NAME_PREFIX: z._default(z.string(), '[Branch] '),
  EVENT_NAME_RENAMES: optionalText,
});

type Environment = z.infer<typeof environmentSchema>;

/**
 * Reads and checks the configuration. Empty variables count as unset, because `serverless.yml`
 * passes unset deploy parameters as empty strings.
 *
 * @throws ConfigurationError naming every invalid or missing variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = z.safeParse(environmentSchema, present);
  if (!parsed.success) {
    throw new ConfigurationError(`Invalid configuration: ${describeIssues(parsed.error.issues, env)}`);
  }
  const vars = parsed.data;

  return {
    webhookSecret: vars.WEBHOOK_SECRET,
    webhookDeadlineMs: vars.WEBHOOK_DEADLINE_MS,
    deadLetterQueueUrl: vars.DEAD_LETTER_QUEUE_URL,
    retryQueueUrl: vars.RETRY_QUEUE_URL,
    retry: {
      maxReceives: vars.RETRY_MAX_RECEIVES,
      baseDelaySeconds: vars.RETRY_BASE_DELAY_SECONDS,
      maxDelaySeconds: vars.RETRY_MAX_DELAY_SECONDS,
    },
    mixpanel: {
      apiUrl: resolveApiUrl(vars),
      credentials: resolveCredentials(vars),
      projectToken: vars.MIXPANEL_PROJECT_TOKEN,
      requestTimeoutMs: vars.MIXPANEL_TIMEOUT_MS,
      batchRequestTimeoutMs: vars.MIXPANEL_BATCH_TIMEOUT_MS,
      client: {
        maxBatchEvents: vars.MIXPANEL_BATCH_MAX_EVENTS,
        maxBatchBytes: vars.MIXPANEL_BATCH_MAX_BYTES,
        concurrency: vars.MIXPANEL_CONCURRENCY,
        maxRetries: vars.MIXPANEL_MAX_RETRIES,
        retryBudget: vars.MIXPANEL_RETRY_BUDGET,
        initialDelayMs: vars.MIXPANEL_BACKOFF_INITIAL_MS,
        maxDelayMs: vars.MIXPANEL_BACKOFF_MAX_MS,
        jitterMinMs: vars.MIXPANEL_BACKOFF_JITTER_MIN_MS,
        jitterMaxMs: vars.MIXPANEL_BACKOFF_JITTER_MAX_MS,
      },
    },
    mapping: {
      eventNamePrefix: vars.EVENT_NAME_PREFIX,
      idMerge: vars.MIXPANEL_ID_MERGE,
      eventNameRenames: parseEventNameRenames(vars.EVENT_NAME_RENAMES),
    },
  };
}

function resolveApiUrl(vars: Environment): string {
  if (vars.MIXPANEL_API_URL === undefined) return MIXPANEL_REGION_HOSTS[vars.MIXPANEL_REGION];

  const url = new URL(vars.MIXPANEL_API_URL);
  // Credentials travel in the Authorization header, so plain HTTP is only acceptable on this machine.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(
      `MIXPANEL_API_URL must use https unless it points at a loopback host; got ${vars.MIXPANEL_API_URL}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigurationError(`MIXPANEL_API_URL must be an http(s) URL; got ${vars.MIXPANEL_API_URL}`);
  }
  return url.href.replace(/\/+$/, '');
}

function resolveCredentials(vars: Environment): MixpanelCredentials {
  const username = vars.MIXPANEL_SERVICE_ACCOUNT_USERNAME;
  const secret = vars.MIXPANEL_SERVICE_ACCOUNT_SECRET;
  if (username !== undefined || secret !== undefined) {
    if (username === undefined || secret === undefined || vars.MIXPANEL_PROJECT_ID === undefined) {
      throw new ConfigurationError(
        'A Mixpanel service account needs MIXPANEL_SERVICE_ACCOUNT_USERNAME, MIXPANEL_SERVICE_ACCOUNT_SECRET and MIXPANEL_PROJECT_ID together',
      );
    }
    return { kind: 'service_account', username, secret, projectId: vars.MIXPANEL_PROJECT_ID };
  }
  if (vars.MIXPANEL_PROJECT_TOKEN !== undefined) return { kind: 'project_token', token: vars.MIXPANEL_PROJECT_TOKEN };
  if (vars.MIXPANEL_API_SECRET !== undefined) return { kind: 'api_secret', secret: vars.MIXPANEL_API_SECRET };

  throw new ConfigurationError(
    'Missing Mixpanel credentials: set MIXPANEL_SERVICE_ACCOUNT_USERNAME, MIXPANEL_SERVICE_ACCOUNT_SECRET and MIXPANEL_PROJECT_ID, or MIXPANEL_PROJECT_TOKEN',
  );
}

/**
 * Reads only the mapping settings and the project token, for tools that transform events without
 * calling Mixpanel (the CLI's `transform`).
 *
 * @throws ConfigurationError when a mapping variable, such as `EVENT_NAME_RENAMES`, is invalid.
 */
export function loadMappingConfig(env: NodeJS.ProcessEnv = process.env): { mapping: MappingConfig; projectToken: string | undefined } {
  const mappingSchema = z.pick(environmentSchema, {
    MIXPANEL_ID_MERGE: true,
    EVENT_NAME_PREFIX: true,
    EVENT_NAME_RENAMES: true,
    MIXPANEL_PROJECT_TOKEN: true,
  });
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = z.safeParse(mappingSchema, present);
  if (!parsed.success) throw new ConfigurationError(`Invalid configuration: ${describeIssues(parsed.error.issues, env)}`);
  return {
    mapping: {
      eventNamePrefix: parsed.data.EVENT_NAME_PREFIX,
      idMerge: parsed.data.MIXPANEL_ID_MERGE,
      eventNameRenames: parseEventNameRenames(parsed.data.EVENT_NAME_RENAMES),
    },
    projectToken: parsed.data.MIXPANEL_PROJECT_TOKEN,
  };
}

// Names the variable and, unless it contains a credential, the value that was rejected.
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>, env: NodeJS.ProcessEnv): string {
  return issues
    .map((issue) => {
      const name = issue.path.map(String).join('.');
      const shown = /SECRET|TOKEN|PASSWORD/.test(name) ? '(hidden)' : JSON.stringify(env[name]);
      return `${name}=${shown}: ${issue.message}`;
    })
    .join('; ');
}

/** Tells whether a URL host name is this machine (127.0.0.0/8, ::1 or localhost). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
