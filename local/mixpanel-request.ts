import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);

/** Maximum events in one `/import` request. */
export const MAX_EVENTS_PER_REQUEST = 2000;

/** Maximum uncompressed body of one `/import` request: 10MB, where Mixpanel's MB is 2^20 bytes. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Credentials that the local server requires, checked by {@link checkCredentials}. */
export interface MixpanelCredentials {
  serviceAccountUsername?: string;
  serviceAccountSecret?: string;
  projectId?: string;
  projectToken?: string;
}

/** Error that becomes a Mixpanel-style JSON response with this HTTP status. */
export class ImportRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ImportRequestError';
  }
}

/**
 * Reads the whole request body. Bytes past `limit` are read and dropped, so the client can still
 * receive the response, and `truncated` reports that this happened.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<{ body: Buffer; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) truncated = true;
    else chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), truncated };
}

/**
 * Decodes an `/import` body into its events: a JSON array, or one JSON event per line when the
 * content type is `application/x-ndjson`. Handles `Content-Encoding: gzip`. Throws
 * {@link ImportRequestError} with 413 when the uncompressed body or the event count is over
 * Mixpanel's limit, and with 400 when the body cannot be read.
 */
export async function decodeEvents(body: Buffer, contentType: string | undefined, contentEncoding: string | undefined): Promise<unknown[]> {
  const text = await decompress(body, contentEncoding);
  const mediaType = (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase();
  const events =
    mediaType === 'application/x-ndjson'
      ? parseNdjson(text)
      : mediaType === 'application/x-www-form-urlencoded'
        ? parseFormData(text)
        : parseJsonArray(text);

  // The docs list 2000 events among the 413 limits but give no message for it, so this message is ours.
  if (events.length > MAX_EVENTS_PER_REQUEST) {
    throw new ImportRequestError(413, `request exceeds max limit of ${MAX_EVENTS_PER_REQUEST} events (got ${events.length})`);
  }
  // The OpenAPI schema of /import requires at least one event.
  if (events.length === 0) throw new ImportRequestError(400, 'request body must contain at least one event');
  return events;
}

// The legacy form encoding of /import, still sent by the `mixpanel` npm package: a `data` field that
// holds the events as JSON or as base64 of that JSON, one event or an array.
function parseFormData(text: string): unknown[] {
  const data = new URLSearchParams(text).get('data');
  if (data === null || data === '') throw new ImportRequestError(400, "form body has no 'data' field");
  const trimmed = data.trim();
  const json = trimmed.startsWith('[') || trimmed.startsWith('{') ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ImportRequestError(400, `'data' field is not JSON or base64 of JSON: ${(error as Error).message}`);
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

async function decompress(body: Buffer, contentEncoding: string | undefined): Promise<string> {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') {
    if (body.length > MAX_BODY_BYTES) throw tooLarge();
    return body.toString('utf8');
  }
  if (encoding !== 'gzip') throw new ImportRequestError(400, `unsupported Content-Encoding '${encoding}': send gzip or no encoding`);

  try {
    const inflated = await gunzipAsync(body, { maxOutputLength: MAX_BODY_BYTES });
    return inflated.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw new ImportRequestError(400, `invalid gzip body: ${(error as Error).message}`);
  }
}

/** Builds the documented 413 for a body over the byte limit. */
export function tooLarge(): ImportRequestError {
  return new ImportRequestError(413, `request exceeds max limit of ${MAX_BODY_BYTES} bytes`);
}

// Mixpanel documents no message for a body that is not JSON, so these messages are ours.
function parseJsonArray(text: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ImportRequestError(400, `invalid JSON in request body: ${(error as Error).message}`);
  }
  if (!Array.isArray(value)) {
    throw new ImportRequestError(400, 'request body must be a JSON array of events, or use Content-Type application/x-ndjson');
  }
  return value;
}

function parseNdjson(text: string): unknown[] {
  const events: unknown[] = [];
  const lines = text.split('\n');
  for (const [lineIndex, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      events.push(JSON.parse(line));
    } catch (error) {
      throw new ImportRequestError(400, `invalid JSON on line ${lineIndex + 1} of ndjson body: ${(error as Error).message}`);
    }
  }
  return events;
}

/**
 * Checks HTTP Basic credentials as `/import` does: a service account (username and secret) with
 * `project_id` naming its project, or the project token as username with an empty password. When
 * `credentials` is undefined every request passes. Returns whether the request is authenticated.
 *
 * Mixpanel also accepts the colon-joined pair in plain text instead of base64 ("Service Accounts"
 * in the API reference), so both forms are read here.
 */
export function checkCredentials(
  credentials: MixpanelCredentials | undefined,
  authorization: string | undefined,
  projectId: string | undefined,
): boolean {
  if (credentials === undefined) return true;

  const pair = parseBasicAuth(authorization);
  if (pair === undefined) return false;

  const { serviceAccountUsername, serviceAccountSecret, projectToken } = credentials;
  if (serviceAccountUsername !== undefined && pair.username === serviceAccountUsername) {
    // A service account needs project_id, because it may have access to several projects.
    if (pair.password !== serviceAccountSecret) return false;
    return projectId !== undefined && (credentials.projectId === undefined || projectId === credentials.projectId);
  }

  if (projectToken !== undefined && pair.username === projectToken && pair.password === '') {
    // The token belongs to one project, so a project_id that names another project cannot match.
    return projectId === undefined || credentials.projectId === undefined || projectId === credentials.projectId;
  }
  return false;
}

function parseBasicAuth(authorization: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? '');
  const token = match?.[1];
  if (token === undefined) return undefined;

  const isBase64 = /^[A-Za-z0-9+/]+={0,2}$/.test(token);
  const pair = isBase64 ? Buffer.from(token, 'base64').toString('utf8') : token;
  if (!pair.includes(':')) return undefined;

  const colon = pair.indexOf(':');
  return { username: pair.slice(0, colon), password: pair.slice(colon + 1) };
}
