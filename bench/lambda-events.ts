import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';

/** Builds the HTTP API (payload 2.0) event of a Branch webhook to `POST /webhooks/branch`. */
export function buildApiGatewayEvent(body: string, secret: string, requestId: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/branch',
    rawPath: '/webhooks/branch',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'user-agent': 'Branch Webhook', 'x-webhook-secret': secret },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      domainName: 'bench.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/webhooks/branch', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'Branch Webhook' },
      requestId,
      routeKey: 'POST /webhooks/branch',
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    body,
    isBase64Encoded: false,
  };
}

/** Builds the Lambda context of one invocation of the deployed webhook function (256 MB). */
export function buildLambdaContext(requestId: string): Context {
  const functionName = 'branch-to-mixpanel-prod-webhook';
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'bench',
    getRemainingTimeInMillis: () => 6000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
