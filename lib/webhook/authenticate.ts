import { createHash, timingSafeEqual } from 'node:crypto';
import { SECRET_QUERY_PARAMETER, type RawHttpRequest } from '../queue/captured-request';

/** Header that may carry the webhook secret. */
export const SECRET_HEADER = 'x-webhook-secret';

/** Result of checking a request's shared secret; never contains the presented value. */
export type AuthenticationResult = { ok: true } | { ok: false; reason: 'missing_secret' | 'wrong_secret' };

/**
 * Checks the shared secret that Branch sends in the `x-webhook-secret` header or the `secret` query
 * parameter (Branch signs nothing). Both sides are hashed first so the comparison takes the same
 * time whatever the presented value and its length.
 */
export function authenticateRequest(request: RawHttpRequest, expectedSecret: string): AuthenticationResult {
  const presented = request.headers[SECRET_HEADER] ?? request.query[SECRET_QUERY_PARAMETER];
  if (presented === undefined || presented === '') return { ok: false, reason: 'missing_secret' };

  const matches = timingSafeEqual(digest(presented), digest(expectedSecret));
  return matches ? { ok: true } : { ok: false, reason: 'wrong_secret' };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
