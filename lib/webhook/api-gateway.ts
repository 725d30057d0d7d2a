import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2, APIGatewayProxyResult, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RawHttpRequest } from '../queue/captured-request';

/** An API Gateway event of either an HTTP API (payload 2.0) or a REST API (payload 1.0). */
export type ApiGatewayEvent = APIGatewayProxyEventV2 | APIGatewayProxyEvent;

/**
 * Reads an API Gateway event of either payload version into a plain HTTP request. `requestId` is
 * the Lambda invocation id when there is one: it is unique per request everywhere, whereas
 * `serverless offline` gives every request the same API Gateway request id.
 */
export function readApiGatewayRequest(event: ApiGatewayEvent, receivedAt: Date, requestId?: string): RawHttpRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);

  if ('requestContext' in event && 'http' in event.requestContext) {
    const v2 = event as APIGatewayProxyEventV2;
    return {
      requestId: requestId ?? v2.requestContext.requestId,
      receivedAt,
      method: v2.requestContext.http.method,
      path: v2.rawPath,
      query: readQuery(v2.queryStringParameters),
      headers,
      body,
    };
  }

  const v1 = event as APIGatewayProxyEvent;
  return {
    requestId: requestId ?? v1.requestContext?.requestId ?? randomUUID(),
    receivedAt,
    method: v1.httpMethod,
    path: v1.path,
    query: readQuery(v1.queryStringParameters),
    headers,
    body,
  };
}

function readQuery(parameters: Record<string, string | undefined> | null | undefined): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  return query;
}

/** A JSON response that fits both payload versions. */
export function jsonResponse(statusCode: number, body: object): APIGatewayProxyResult & APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}
