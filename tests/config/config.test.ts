import { isLoopbackHost, loadConfig } from '../../lib/config';
import { ConfigurationError } from '../../lib/errors';

const TOKEN_ONLY = { MIXPANEL_PROJECT_TOKEN: 'project-token-1' };

describe('loadConfig', () => {
  it('defaults to the US region and simplified ID merge', () => {
    const config = loadConfig(TOKEN_ONLY);

    expect(config.mixpanel.apiUrl).toBe('https://api.mixpanel.com');
    expect(config.mapping.idMerge).toBe('simplified');
    expect(config.mapping.eventNamePrefix).toBe('[Branch] ');
    expect(config.webhookDeadlineMs).toBe(1500);
  });

  it.each([
    ['eu', 'https://api-eu.mixpanel.com'],
    ['in', 'https://api-in.mixpanel.com'],
  ])('maps region %s to its host', (region, host) => {
    expect(loadConfig({ ...TOKEN_ONLY, MIXPANEL_REGION: region }).mixpanel.apiUrl).toBe(host);
  });

  it('rejects an unknown region naming the value', () => {
    expect(() => loadConfig({ ...TOKEN_ONLY, MIXPANEL_REGION: 'mars' })).toThrow(/MIXPANEL_REGION="mars"/);
  });

  it('prefers a service account with its project id', () => {
    const config = loadConfig({
      ...TOKEN_ONLY,
      MIXPANEL_SERVICE_ACCOUNT_USERNAME: 'sa.user',
      MIXPANEL_SERVICE_ACCOUNT_SECRET: 'sa-secret',
      MIXPANEL_PROJECT_ID: '12345',
    });

    expect(config.mixpanel.credentials).toEqual({ kind: 'service_account', username: 'sa.user', secret: 'sa-secret', projectId: '12345' });
    expect(config.mixpanel.projectToken).toBe('project-token-1');
  });

  it('rejects a service account without project id', () => {
    expect(() => loadConfig({ MIXPANEL_SERVICE_ACCOUNT_USERNAME: 'sa.user', MIXPANEL_SERVICE_ACCOUNT_SECRET: 'sa-secret' })).toThrow(
      /MIXPANEL_PROJECT_ID/,
    );
  });

  it('rejects missing credentials', () => {
    expect(() => loadConfig({})).toThrow(ConfigurationError);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ ...TOKEN_ONLY, MIXPANEL_API_URL: '', MIXPANEL_REGION: '' });

    expect(config.mixpanel.apiUrl).toBe('https://api.mixpanel.com');
  });

  it('accepts plain http on loopback', () => {
    expect(loadConfig({ ...TOKEN_ONLY, MIXPANEL_API_URL: 'http://127.0.0.1:9325/' }).mixpanel.apiUrl).toBe('http://127.0.0.1:9325');
  });

  it('rejects plain http to another host', () => {
    expect(() => loadConfig({ ...TOKEN_ONLY, MIXPANEL_API_URL: 'http://mixpanel-proxy.example.com' })).toThrow(/must use https/);
  });

  it('hides credential values in errors', () => {
    expect(() => loadConfig({ MIXPANEL_PROJECT_TOKEN: 'x', MIXPANEL_TIMEOUT_MS: 'soon' })).toThrow(/MIXPANEL_TIMEOUT_MS="soon"/);
  });
});

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1'])('accepts %s', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['10.0.0.1', 'api.mixpanel.com', '127.0.0.1.example.com', '0.0.0.0'])('rejects %s', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});
