import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';

let counter = 0;

/** Options of a webhook request built for tests. */
export interface WebhookRequestOptions {
  body?: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  base64?: boolean;
  method?: string;
}

/** Builds an API Gateway HTTP API (payload 2.0) event for `POST /webhooks/branch`. */
export function httpApiEvent(options: WebhookRequestOptions = {}): APIGatewayProxyEventV2 {
  counter += 1;
  const body = options.body ?? '';
  const query = options.query ?? {};
  const rawQueryString = new URLSearchParams(query).toString();
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/branch',
    rawPath: '/webhooks/branch',
    rawQueryString,
    headers: { 'content-type': 'application/json', 'user-agent': 'Branch Webhook', ...options.headers },
    queryStringParameters: rawQueryString ? query : undefined,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: options.method ?? 'POST', path: '/webhooks/branch', protocol: 'HTTP/1.1', sourceIp: '203.0.113.5', userAgent: 'Branch Webhook' },
      requestId: `http-api-request-${counter}`,
      routeKey: 'POST /webhooks/branch',
      stage: '$default',
      time: '04/Dec/2026:12:00:00 +0000',
      timeEpoch: 0,
    },
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}

/** Builds an API Gateway REST API (payload 1.0) event for `POST /webhooks/branch`. */
export function restApiEvent(options: WebhookRequestOptions = {}): APIGatewayProxyEvent {
  counter += 1;
  const body = options.body ?? '';
  return {
    resource: '/webhooks/branch',
    path: '/webhooks/branch',
    httpMethod: options.method ?? 'POST',
    headers: { 'Content-Type': 'application/json', ...options.headers },
    multiValueHeaders: {},
    queryStringParameters: options.query ?? null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { requestId: `rest-api-request-${counter}` } as APIGatewayProxyEvent['requestContext'],
    body: options.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 ?? false,
  };
}
