import type { Context } from 'aws-lambda';
import { logger } from '../lib/logger';
import { jsonResponse, readApiGatewayRequest, type ApiGatewayEvent } from '../lib/webhook/api-gateway';
import { handleWebhook } from '../lib/webhook/handle-webhook';
import { createWebhookRuntime, type WebhookRuntime } from '../lib/webhook/runtime';

let runtime: WebhookRuntime | undefined;

/** Lambda entry point of `POST /webhooks/branch` (API Gateway HTTP API or REST API). */
export async function handler(event: ApiGatewayEvent, context?: Context) {
  const receivedAt = new Date();
  if (context) logger.addContext(context);
  runtime ??= createWebhookRuntime();

  const response = await handleWebhook(readApiGatewayRequest(event, receivedAt, context?.awsRequestId), runtime);
  return jsonResponse(response.statusCode, response.body);
}
