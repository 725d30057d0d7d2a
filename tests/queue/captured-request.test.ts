import { captureRequest, readCapturedBody } from '../../lib/queue/captured-request';

function rawRequest(body: Buffer) {
  return {
    requestId: 'request-7',
    receivedAt: new Date('2024-06-01T12:00:00.000Z'),
    method: 'POST',
    path: '/webhooks/branch',
    query: { secret: 'hidden', source: 'branch' },
    headers: { 'content-type': 'application/json', 'x-webhook-secret': 'hidden', cookie: 'a=b', 'user-agent': 'Branch' },
    body,
  };
}

describe('captureRequest', () => {
  it('drops the secret and unlisted headers', () => {
    const captured = captureRequest(rawRequest(Buffer.from('{}')));

    expect(captured.query).toEqual({ source: 'branch' });
    expect(captured.headers).toEqual({ 'content-type': 'application/json', 'user-agent': 'Branch' });
    expect(JSON.stringify(captured)).not.toContain('hidden');
  });

  it('keeps a UTF-8 body as text', () => {
    const captured = captureRequest(rawRequest(Buffer.from('{"name":"ÖFFNEN ✓"}')));

    expect(captured.body_encoding).toBe('utf8');
    expect(readCapturedBody(captured)).toBe('{"name":"ÖFFNEN ✓"}');
  });

  it('keeps a non-UTF-8 body as base64', () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const captured = captureRequest(rawRequest(bytes));

    expect(captured.body_encoding).toBe('base64');
    expect(Buffer.from(captured.body, 'base64')).toEqual(bytes);
    expect(readCapturedBody(captured)).toBeUndefined();
  });

  it('stores the receive time and request id', () => {
    const captured = captureRequest(rawRequest(Buffer.from('{}')));

    expect(captured.received_at).toBe('2024-06-01T12:00:00.000Z');
    expect(captured.request_id).toBe('request-7');
    expect(captured.attempts).toBe(0);
  });
});
