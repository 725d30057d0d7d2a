import type { SQSClient } from '@aws-sdk/client-sqs';

/** The `@aws-sdk/client-sqs` module. */
export type SqsModule = typeof import('@aws-sdk/client-sqs');

/** Anything that returns an SQS client when first needed. */
export type SqsClientProvider = () => Promise<SQSClient>;

let sqsModule: Promise<SqsModule> | undefined;
let sharedClient: Promise<SQSClient> | undefined;

/**
 * Loads the AWS SDK's SQS module on first use. Loading it takes about 40 ms, which would otherwise
 * add to every cold start although an imported webhook never calls SQS (measured in
 * docs/benchmarks.md, section 4).
 */
export function loadSqsModule(): Promise<SqsModule> {
  // `require`, not `import()`: the bundle is CommonJS, and Node's ESM resolver ignores NODE_PATH,
  // through which the Lambda runtime provides its copy of the SDK.
  sqsModule ??= Promise.resolve().then(() => require('@aws-sdk/client-sqs') as SqsModule);
  return sqsModule;
}

/**
 * Returns the SQS client shared across warm invocations, creating it on first use. The SDK reads
 * the region from `AWS_REGION` and an endpoint override from `AWS_ENDPOINT_URL_SQS` (used by the
 * local stack). Short timeouts keep a stuck SQS call from eating the 2 seconds Branch waits for a
 * response.
 */
export function getSqsClient(): Promise<SQSClient> {
  sharedClient ??= loadSqsModule().then(
    ({ SQSClient }) =>
      new SQSClient({
        region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 300, requestTimeout: 1500 },
      }),
  );
  return sharedClient;
}
