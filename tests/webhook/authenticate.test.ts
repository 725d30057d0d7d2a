import { authenticateRequest } from '../../lib/webhook/authenticate';

function request(headers: Record<string, string>, query: Record<string, string> = {}) {
  return { requestId: 'r', receivedAt: new Date(), method: 'POST', path: '/webhooks/branch', query, headers, body: Buffer.alloc(0) };
}

describe('authenticateRequest', () => {
  it('accepts the secret header', () => {
    expect(authenticateRequest(request({ 'x-webhook-secret': 's3cret' }), 's3cret')).toEqual({ ok: true });
  });

  it('accepts the secret query parameter', () => {
    expect(authenticateRequest(request({}, { secret: 's3cret' }), 's3cret')).toEqual({ ok: true });
  });

  it('rejects a wrong secret', () => {
    expect(authenticateRequest(request({ 'x-webhook-secret': 's3cret-longer' }), 's3cret')).toEqual({ ok: false, reason: 'wrong_secret' });
  });

  it('rejects a missing secret', () => {
    expect(authenticateRequest(request({}), 's3cret')).toEqual({ ok: false, reason: 'missing_secret' });
  });

  it('rejects an empty secret', () => {
    expect(authenticateRequest(request({ 'x-webhook-secret': '' }), 's3cret')).toEqual({ ok: false, reason: 'missing_secret' });
  });
});
