import { isLoopbackHost, type MixpanelConfig } from '../config';
import { ConfigurationError } from '../errors';
import { buildAuthentication } from './auth';

/** Status, headers and text of one `/import` response. */
export interface TransportResponse {
  status: number;
  headers: Headers;
  bodyText: string;
}

/** No response arrived: the request timed out or the connection failed. */
export class TransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}

/**
 * HTTP transport of `/import` requests: a gzip JSON body with `strict=1` and the credentials, over
 * Node's global `fetch`. That `fetch` (undici) keeps connections alive in a pool shared by the
 * whole process, so warm Lambda invocations reuse them. This class never creates its own
 * dispatcher or sends `Connection: close`, and it always reads the whole response body, because
 * undici frees a connection for reuse only after that.
 */
export class ImportTransport {
  /** `/import` URL with its query, which carries `project_id` but never a secret. */
  readonly endpoint: URL;
  private readonly authorization: string;

  /** @throws ConfigurationError when the URL would send credentials over plain HTTP to another machine. */
  constructor(
    config: MixpanelConfig,
    private readonly fetchImpl: typeof fetch,
  ) {
    const base = checkApiUrl(config.apiUrl);
    const auth = buildAuthentication(config.credentials);
    this.endpoint = new URL(`${base.href.replace(/\/+$/, '')}/import`);
    this.endpoint.searchParams.set('strict', '1');
    for (const [key, value] of Object.entries(auth.query)) this.endpoint.searchParams.set(key, value);
    this.authorization = auth.authorization;
  }

  /**
   * Posts one gzip body and reads the whole response within `timeoutMs`.
   *
   * @throws TransportError when no complete response arrives in time or the connection fails.
   */
  async send(gzipBody: Buffer, timeoutMs: number): Promise<TransportResponse> {
    try {
      const response = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: {
          authorization: this.authorization,
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          accept: 'application/json',
        },
        body: gzipBody,
        // A redirect could carry the credentials to another host, so a 3xx is returned as is.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const bodyText = await response.text();
      return { status: response.status, headers: response.headers, bodyText };
    } catch (error) {
      if (isTimeout(error)) throw new TransportError('timeout', `Mixpanel did not respond within ${timeoutMs} ms`, { cause: error });
      throw new TransportError('network', `Request to Mixpanel failed: ${describeError(error)}`, { cause: error });
    }
  }
}

/**
 * Checks the base URL again, although `loadConfig` already does, because a `MixpanelConfig` may be
 * built by hand: credentials travel in the `Authorization` header, so plain HTTP is allowed only
 * to a loopback host.
 */
function checkApiUrl(apiUrl: string): URL {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ConfigurationError(`Mixpanel API URL is not a valid URL: ${apiUrl}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`Mixpanel API URL must be an http(s) URL; got ${url.protocol}`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigurationError(`Mixpanel API URL must use https unless it points at a loopback host; got http://${url.host}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError('Mixpanel API URL must not contain credentials; set them in the Mixpanel credential variables');
  }
  return url;
}

// Errors from the global fetch may come from another realm (as under jest), so they are read by
// shape rather than with `instanceof Error`.
function isTimeout(error: unknown): boolean {
  const name = readField(error, 'name');
  return name === 'TimeoutError' || name === 'AbortError';
}

function describeError(error: unknown): string {
  const message = readField(error, 'message') ?? String(error);
  const causeMessage = readField(readObjectField(error, 'cause'), 'message');
  return causeMessage === undefined ? message : `${message}: ${causeMessage}`;
}

function readObjectField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function readField(value: unknown, key: string): string | undefined {
  const field = readObjectField(value, key);
  return typeof field === 'string' ? field : undefined;
}
