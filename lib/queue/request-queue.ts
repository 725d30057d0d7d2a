import type { SQSClient } from '@aws-sdk/client-sqs';
import { QueueSendError } from '../errors';
import type { CapturedRequest } from './captured-request';
import { loadSqsModule, type SqsClientProvider } from './sqs-client';

/** A queue of captured requests (the dead-letter queue, or the retry queue). */
export interface RequestQueue {
  readonly url: string;
  /** Stores one captured request. @throws QueueSendError when SQS does not take it. */
  send(captured: CapturedRequest): Promise<void>;
}

/** Builds the SQS message attributes that let the AWS console and the CLI filter messages. */
export function buildMessageAttributes(captured: CapturedRequest): Record<string, { DataType: 'String'; StringValue: string }> {
  const attributes: Record<string, { DataType: 'String'; StringValue: string }> = {
    request_id: { DataType: 'String', StringValue: captured.request_id },
  };
  const failure = captured.failure;
  if (failure !== undefined) {
    attributes.reason = { DataType: 'String', StringValue: failure.reason };
    attributes.stage = { DataType: 'String', StringValue: failure.stage };
    if (failure.event_name) attributes.event_name = { DataType: 'String', StringValue: failure.event_name };
  }
  return attributes;
}

/**
 * A request queue on SQS. It takes a client, or a provider that creates one on first send, so the
 * webhook loads the SDK only when a request must be queued.
 */
export class SqsRequestQueue implements RequestQueue {
  constructor(
    private readonly client: SQSClient | SqsClientProvider,
    readonly url: string,
  ) {}

  async send(captured: CapturedRequest): Promise<void> {
    try {
      const client = typeof this.client === 'function' ? await this.client() : this.client;
      const { SendMessageCommand } = await loadSqsModule();
      await client.send(
        new SendMessageCommand({
          QueueUrl: this.url,
          MessageBody: JSON.stringify(captured),
          MessageAttributes: buildMessageAttributes(captured),
        }),
      );
    } catch (error) {
      throw new QueueSendError(this.url, `Could not send request ${captured.request_id} to ${this.url}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
