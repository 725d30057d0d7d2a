import { SQSClient } from '@aws-sdk/client-sqs';

let sharedClient: SQSClient | undefined;

/**
 * Returns the SQS client shared across warm invocations. The SDK reads the region from
 * `AWS_REGION` and an endpoint override from `AWS_ENDPOINT_URL_SQS` (used by the local stack).
 * Short timeouts keep a stuck SQS call from eating the 2 seconds Branch waits for an answer.
 */
export function getSqsClient(): SQSClient {
  sharedClient ??= new SQSClient({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 300, requestTimeout: 1500 },
  });
  return sharedClient;
}
