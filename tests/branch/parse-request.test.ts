import { parseBranchBody, parseBranchRequest } from '../../lib/branch/parse';
import { loadConfig } from '../../lib/config';
import { InvalidBodyError, InvalidEventError } from '../../lib/errors';
import { prepareEvent } from '../../lib/pipeline';
import { captureRequest } from '../../lib/queue/captured-request';
import { readCorpus } from '../helpers/corpus';

const FORM = 'application/x-www-form-urlencoded';

function parseError(run: () => unknown): InvalidBodyError | InvalidEventError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidBodyError || error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected a parse error');
}

describe('parseBranchRequest format detection', () => {
  test('current JSON body', () => {
    const event = parseBranchRequest({ method: 'POST', body: readCorpus('v2-install-ios-paid-click.json'), contentType: 'application/json' });
    expect(event.format).toBe('current');
    expect(event.name).toBe('install');
  });

  test('legacy JSON body', () => {
    const event = parseBranchRequest({ method: 'POST', body: readCorpus('legacy-open-seed-example.json') });
    expect(event.format).toBe('legacy');
    expect(event.name).toBe('open');
  });

  test('flat JSON body of strings', () => {
    const body = JSON.stringify({ name: 'OPEN', id: '7', 'user_data.os': 'IOS', 'user_data.idfv': 'V-1' });
    const event = parseBranchRequest({ method: 'POST', body, contentType: 'application/json' });
    expect(event.format).toBe('flat');
    expect(event.device.os).toBe('IOS');
  });

  test('current JSON with only top-level strings stays current', () => {
    const event = parseBranchRequest({ method: 'POST', body: '{"name":"OPEN","id":"7"}' });
    expect(event.format).toBe('current');
  });

  test('form body with its content type', () => {
    const event = parseBranchRequest({ method: 'POST', body: 'name=PURCHASE&id=9', contentType: `${FORM}; charset=UTF-8` });
    expect(event.format).toBe('flat');
    expect(event.name).toBe('purchase');
  });

  test('form body without a content type', () => {
    const event = parseBranchRequest({ method: 'POST', body: 'name=open&user_data.os=ANDROID' });
    expect(event.format).toBe('flat');
  });

  test('JSON body sent as form content type', () => {
    const event = parseBranchRequest({ method: 'POST', body: readCorpus('v2-reinstall-android.json'), contentType: FORM });
    expect(event.format).toBe('current');
  });

  test('GET query string', () => {
    const event = parseBranchRequest({ method: 'GET', body: '', query: { name: 'INSTALL', id: '1300000000000000001' } });
    expect(event.format).toBe('flat');
    expect(event.id).toBe('1300000000000000001');
  });

  test('GET ignores a body', () => {
    const event = parseBranchRequest({ method: 'get', body: 'not json', query: { name: 'open' } });
    expect(event.name).toBe('open');
  });

  test('HEAD reads the query string', () => {
    const event = parseBranchRequest({ method: 'HEAD', body: '', query: { name: 'open' } });
    expect(event.format).toBe('flat');
  });

  test('POST with empty body reads the query string', () => {
    const event = parseBranchRequest({ method: 'POST', body: '  ', query: { name: 'click' } });
    expect(event.name).toBe('click');
  });

  test('POST body wins over the query string', () => {
    const event = parseBranchRequest({ method: 'POST', body: readCorpus('v2-reinstall-android.json'), query: { name: 'open' } });
    expect(event.name).toBe('reinstall');
  });
});

describe('parseBranchRequest flat fields', () => {
  test('secret query parameter never read', () => {
    const event = parseBranchRequest({ method: 'GET', body: '', query: { name: 'open', secret: 's3cret' } });
    expect(JSON.stringify(event)).not.toContain('s3cret');
  });

  test('form keys trimmed for multi-line templates', () => {
    const event = parseBranchRequest({ method: 'POST', body: 'name=open&\nuser_data.os=IOS&\n  id=5\n', contentType: FORM });
    expect(event.device.os).toBe('IOS');
    expect(event.id).toBe('5');
  });

  test('first of repeated form keys wins', () => {
    const event = parseBranchRequest({ method: 'POST', body: 'name=open&name=install', contentType: FORM });
    expect(event.name).toBe('open');
  });

  test('form percent and plus decoding', () => {
    const body = 'name=level%20up&custom_data.note=a+b%2Bc%26d%23e&custom_data.city=M%C3%BCnchen%20%F0%9F%98%80';
    const event = parseBranchRequest({ method: 'POST', body, contentType: FORM });
    expect(event.name).toBe('level up');
    expect(event.customData.note).toBe('a b+c&d#e');
    expect(event.customData.city).toBe('München 😀');
  });

  test('prototype keys kept as plain data', () => {
    const event = parseBranchRequest({ method: 'POST', body: 'name=open&__proto__=x&constructor=y&custom_data.__proto__=z', contentType: FORM });
    expect(Object.getPrototypeOf(event.eventFields)).toBe(Object.prototype);
    expect(Object.keys(event.eventFields)).toEqual(['__proto__', 'constructor']);
    expect(Object.keys(event.customData)).toEqual(['__proto__']);
  });
});

describe('parseBranchRequest errors', () => {
  const cases: Array<[string, Parameters<typeof parseBranchRequest>[0], string]> = [
    ['GET without query', { method: 'GET', body: '', query: {} }, 'empty_body'],
    ['POST without body or query', { method: 'POST', body: '' }, 'empty_body'],
    ['invalid JSON', { method: 'POST', body: '{"name": ' }, 'invalid_json'],
    ['plain text', { method: 'POST', body: 'hello world' }, 'invalid_json'],
    ['JSON array', { method: 'POST', body: '[{"name":"open"}]' }, 'invalid_body'],
    ['JSON string', { method: 'POST', body: '"open"' }, 'invalid_body'],
    ['JSON nested 40 deep', { method: 'POST', body: `{"name":"open","x":${'['.repeat(40)}${']'.repeat(40)}}` }, 'invalid_body'],
    ['JSON without known keys', { method: 'POST', body: '{"foo":"bar"}' }, 'unknown_format'],
    ['query without template keys', { method: 'GET', body: '', query: { foo: 'bar' } }, 'unknown_format'],
    ['form without template keys', { method: 'POST', body: 'foo=bar', contentType: FORM }, 'unknown_format'],
    ['form with template keys but no name', { method: 'POST', body: 'user_data.os=IOS', contentType: FORM }, 'missing_event_name'],
    ['blank name', { method: 'POST', body: '{"name":"   "}' }, 'missing_event_name'],
    ['name that is an object', { method: 'POST', body: '{"name":{"x":1}}' }, 'missing_event_name'],
    ['legacy without event name', { method: 'POST', body: '{"event":null}' }, 'missing_event_name'],
  ];

  test.each(cases)('%s', (_name, request, reason) => {
    expect(parseError(() => parseBranchRequest(request)).reason).toBe(reason);
  });

  test('body errors are permanent parse failures', () => {
    const error = parseError(() => parseBranchRequest({ method: 'POST', body: '{' }));
    expect(error).toBeInstanceOf(InvalidBodyError);
    expect(error.permanent).toBe(true);
    expect(error.stage).toBe('parse');
  });
});

describe('parseBranchBody', () => {
  test('reads JSON bodies', () => {
    expect(parseBranchBody(readCorpus('v2-purchase-eur-content-items.json')).name).toBe('purchase');
  });

  test('reads form bodies', () => {
    expect(parseBranchBody('name=open&user_data.os=IOS').format).toBe('flat');
  });

  test('rejects an empty body', () => {
    expect(parseError(() => parseBranchBody(' \n')).reason).toBe('empty_body');
  });
});

describe('prepareEvent with captured requests', () => {
  const config = loadConfig({ MIXPANEL_PROJECT_TOKEN: 'token' });

  function capture(method: string, query: Record<string, string>, body: string, contentType?: string) {
    return captureRequest({
      requestId: 'request-1',
      receivedAt: new Date('2024-07-01T00:00:00.000Z'),
      method,
      path: '/webhooks/branch',
      query: { secret: 's3cret', ...query },
      headers: contentType === undefined ? {} : { 'content-type': contentType },
      body: Buffer.from(body),
    });
  }

  test('GET request read from its query', () => {
    const { event } = prepareEvent(capture('GET', { name: 'INSTALL', id: '1300000000000000001', 'user_data.idfv': 'V-1' }, ''), config);
    expect(event.event).toBe('[Branch] install');
    expect(event.properties.$device_id).toBe('V-1');
    expect(JSON.stringify(event)).not.toContain('s3cret');
  });

  test('POST form body read with its content type', () => {
    const { event } = prepareEvent(capture('POST', {}, 'name=PURCHASE&event_data.revenue=9.5', 'application/x-www-form-urlencoded'), config);
    expect(event.properties.revenue_usd).toBe(9.5);
  });

  test('POST JSON body unchanged', () => {
    const { event } = prepareEvent(capture('POST', {}, readCorpus('v2-install-ios-paid-click.json'), 'application/json'), config);
    expect(event.properties.$insert_id).toMatch(/^[0-9a-f]{32}$/);
    expect(event.properties.utm_campaign).toBe('summer_launch_2024');
  });
});
