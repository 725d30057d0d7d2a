import type { MixpanelCredentials } from '../config';

/** Authorization header value and query parameters for one set of credentials. */
export interface ImportAuthentication {
  authorization: string;
  query: Record<string, string>;
}

/**
 * Builds HTTP Basic authentication for `/import`: a service account with its `project_id`, or the
 * project token (or legacy API secret) as the user name with an empty password.
 */
export function buildAuthentication(credentials: MixpanelCredentials): ImportAuthentication {
  switch (credentials.kind) {
    case 'service_account':
      return {
        authorization: basic(credentials.username, credentials.secret),
        query: { project_id: credentials.projectId },
      };
    case 'project_token':
      return { authorization: basic(credentials.token, ''), query: {} };
    case 'api_secret':
      return { authorization: basic(credentials.secret, ''), query: {} };
  }
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Lists the usual causes of a 401 or 403 from `/import` for these credentials, from Mixpanel's
 * "401 Unauthorized" troubleshooting page, for the error log.
 */
export function listAuthFailureCauses(credentials: MixpanelCredentials): string[] {
  const causes =
    credentials.kind === 'service_account'
      ? [
          'wrong service account username or secret',
          'the service account is not an Owner or Admin of the project',
          `project_id ${credentials.projectId} is not the project of the service account`,
        ]
      : [credentials.kind === 'project_token' ? 'wrong project token' : 'wrong or retired project API secret'];
  causes.push('wrong region: a project with EU or India data residency needs MIXPANEL_REGION=eu or in');
  return causes;
}
