import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResult } from 'aws-lambda';

/** A handler with the webhook function's signature. */
export type WebhookHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResult>;

/** A running HTTP server in front of the webhook handler. */
export interface WebhookHttpServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the webhook handler over HTTP on 127.0.0.1 in this process, turning each request into an
 * HTTP API (payload 2.0) event. The soak run uses it to post many webhooks over real sockets without
 * the start-up time of `serverless offline`.
 */
export async function startWebhookHttpServer(handler: WebhookHandler, port = 0): Promise<WebhookHttpServer> {
  let counter = 0;
  const server: Server = createServer((request, response) => {
    counter += 1;
    void readBody(request)
      .then((body) => handler(toEvent(request, body, `soak-${process.pid}-${counter}`)))
      .then((result) => {
        response.writeHead(result.statusCode, { 'content-type': 'application/json' });
        response.end(result.body);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'error', message: (error as Error).message }));
      });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: boundPort } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${boundPort}/webhooks/branch`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toEvent(request: IncomingMessage, body: Buffer, requestId: string): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, [value].flat().join(',')]));
  return {
    version: '2.0',
    routeKey: `${request.method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method: request.method ?? 'POST', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId,
      routeKey: `${request.method} ${url.pathname}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
}
