import type { Server } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSqsServer } from 'local-aws-sqs';

/** Retention of both queues: 14 days, SQS's maximum, as in `serverless.yml`. */
export const QUEUE_RETENTION_SECONDS = 1_209_600;

/** A running embedded SQS-compatible server. */
export interface LocalSqsServer {
  /** Endpoint for `AWS_ENDPOINT_URL_SQS`, for example `http://127.0.0.1:9324`. */
  endpoint: string;
  client: SQSClient;
  close(): Promise<void>;
}

/** Starts the embedded SQS-compatible server (`local-aws-sqs`) on 127.0.0.1; port 0 picks a free one. */
export async function startSqsServer(port = 0): Promise<LocalSqsServer> {
  // local-aws-sqs emits a listen error as an unhandled event, so check the port first.
  if (port !== 0) await assertPortFree(port);
  const server: Server = await createSqsServer({
    port,
    hostname: '127.0.0.1',
    emulateQueueCreationLifecycle: false,
  });
  const { port: boundPort } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${boundPort}`;
  const client = createLocalSqsClient(endpoint);

  return {
    endpoint,
    client,
    close: () =>
      new Promise<void>((resolve) => {
        client.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Builds an SQS client for a local endpoint; the server accepts any credentials. */
export function createLocalSqsClient(endpoint: string): SQSClient {
  return new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates a queue with the deployed queues' retention and returns its URL. */
export async function createQueue(client: SQSClient, name: string, attributes: Record<string, string> = {}): Promise<string> {
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { MessageRetentionPeriod: String(QUEUE_RETENTION_SECONDS), ...attributes },
    }),
  );
  if (created.QueueUrl === undefined) throw new Error(`The local SQS server returned no URL for queue ${name}`);
  return created.QueueUrl;
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => {
      const detail = error.code === 'EADDRINUSE' ? 'is already in use (another local stack running?)' : `cannot be used: ${error.message}`;
      reject(new Error(`Port 127.0.0.1:${port} for the SQS server ${detail}; set SQS_PORT to another port`));
    });
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Returns a queue's ARN, which a redrive policy names its dead-letter queue by. */
export async function readQueueArn(client: SQSClient, queueUrl: string): Promise<string> {
  const response = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  const arn = response.Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`The local SQS server returned no ARN for ${queueUrl}`);
  return arn;
}
