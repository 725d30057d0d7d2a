import type { FailedRecord, FailureStage } from '../errors';

/** Version of the captured-request message format. */
export const CAPTURED_REQUEST_VERSION = 1;

/** Failure that kept a captured request from being imported. */
export interface RequestFailure {
  stage: FailureStage;
  /** True when only a person (or a code or configuration fix) can make the request succeed. */
  permanent: boolean;
  reason: string;
  message: string;
  /** When the failure happened, ISO-8601. */
  failed_at: string;
  http_status?: number;
  failed_records?: FailedRecord[];
  /** Mixpanel event name, when the request got as far as the transform. */
  event_name?: string;
}

/**
 * A webhook request as kept in the queues: enough to re-run parse, transform and import later with
 * the same receive time and request id, and so the same `time` and `$insert_id`. It never contains the
 * webhook secret or any credential.
 */
export interface CapturedRequest {
  version: typeof CAPTURED_REQUEST_VERSION;
  request_id: string;
  /** When the webhook arrived, ISO-8601; the event time of bodies that carry none. */
  received_at: string;
  method: string;
  path: string;
  /** Query parameters without `secret`. */
  query: Record<string, string>;
  /** Allowlisted headers only. */
  headers: Record<string, string>;
  body: string;
  body_encoding: 'utf8' | 'base64';
  /** Number of times the pipeline has processed this request. */
  attempts: number;
  failure?: RequestFailure;
}

// Headers worth keeping to diagnose a request; anything else (cookies, authorization, the webhook
// secret header) is left out.
const KEPT_HEADERS = new Set(['content-type', 'content-length', 'content-encoding', 'user-agent', 'x-forwarded-for', 'x-amzn-trace-id']);

/** Query parameter that may carry the webhook secret; it is never stored. */
export const SECRET_QUERY_PARAMETER = 'secret';

/** Raw parts of an HTTP request, as the webhook handler received them. */
export interface RawHttpRequest {
  requestId: string;
  receivedAt: Date;
  method: string;
  path: string;
  query: Record<string, string>;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: Buffer;
}

/** Captures a request for processing and queueing, dropping the secret and unlisted headers. */
export function captureRequest(request: RawHttpRequest): CapturedRequest {
  const query = Object.fromEntries(Object.entries(request.query).filter(([key]) => key !== SECRET_QUERY_PARAMETER));
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([key]) => KEPT_HEADERS.has(key)));
  const text = decodeUtf8(request.body);

  return {
    version: CAPTURED_REQUEST_VERSION,
    request_id: request.requestId,
    received_at: request.receivedAt.toISOString(),
    method: request.method,
    path: request.path,
    query,
    headers,
    body: text ?? request.body.toString('base64'),
    body_encoding: text === undefined ? 'base64' : 'utf8',
    attempts: 0,
  };
}

/** Returns the body of a captured request as text, or undefined when it is not UTF-8. */
export function readCapturedBody(captured: CapturedRequest): string | undefined {
  if (captured.body_encoding === 'utf8') return captured.body;
  return decodeUtf8(Buffer.from(captured.body, 'base64'));
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
