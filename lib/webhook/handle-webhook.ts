import { QueueSendError } from '../errors';
import { logger } from '../logger';
import { captureRequest, type CapturedRequest, type RawHttpRequest } from '../queue/captured-request';
import { keepFailedRequest, type KeptIn } from '../queue/keep-failed-request';
import { runPipeline, type PipelineItemResult } from '../run-pipeline';
import { authenticateRequest } from './authenticate';
import type { WebhookRuntime } from './runtime';

/** Status code and JSON body of a webhook response. */
export interface WebhookResponse {
  statusCode: number;
  body: Record<string, unknown>;
}

// Time kept back from the webhook budget so a failed import can still reach the dead-letter queue
// before Branch stops waiting at 2 seconds.
const QUEUE_RESERVE_MS = 400;

/**
 * Handles one Branch webhook: authenticate, capture, run the pipeline. Every authenticated request
 * ends imported, in the retry queue (transient failure), in the dead-letter queue (permanent
 * failure), or, when no queue takes it, logged in full at error level.
 */
export async function handleWebhook(request: RawHttpRequest, runtime: WebhookRuntime): Promise<WebhookResponse> {
  const startedAt = Date.now();
  if (runtime.webhookSecret === undefined) {
    logger.error('WEBHOOK_SECRET is not set, so no webhook can be authenticated', { request_id: request.requestId });
    return { statusCode: 500, body: { status: 'error', message: 'The webhook receiver is not configured' } };
  }

  const authentication = authenticateRequest(request, runtime.webhookSecret);
  if (!authentication.ok) {
    logger.warn('Webhook rejected: missing or wrong secret', {
      request_id: request.requestId,
      reason: authentication.reason,
      source_ip: request.headers['x-forwarded-for'],
    });
    return { statusCode: 401, body: { status: 'unauthorized', message: 'Missing or wrong webhook secret' } };
  }

  const captured = captureRequest(request);
  if (runtime.kind === 'misconfigured') return keepMisconfigured(captured, runtime);

  const { dependencies } = runtime;
  const deadline = request.receivedAt.getTime() + dependencies.config.webhookDeadlineMs - QUEUE_RESERVE_MS;
  let result: PipelineItemResult;
  let keptIn: KeptIn | undefined;
  try {
    [result] = (await runPipeline([captured], dependencies, { deadline })) as [PipelineItemResult];
    if (result.status === 'failed') keptIn = await keepFailedRequest(captured, dependencies.queues);
  } catch (error) {
    return logUnqueued(captured, error);
  }

  logSummary(result, keptIn, Date.now() - startedAt);
  return respond(result, keptIn);
}

function respond(result: PipelineItemResult, keptIn: KeptIn | undefined): WebhookResponse {
  if (result.status === 'imported') {
    return {
      statusCode: 200,
      body: { status: 'imported', event: result.event.event, insert_id: result.event.properties.$insert_id },
    };
  }
  const { failure } = result;
  if (keptIn === 'retry_queue') {
    return { statusCode: 202, body: { status: 'queued_for_retry', reason: failure.reason, message: failure.message } };
  }
  // A body that cannot be read is the sender's mistake (4xx); a Mixpanel failure was accepted and kept (202).
  const statusCode = failure.stage === 'parse' || failure.stage === 'transform' ? 400 : 202;
  return { statusCode, body: { status: 'dead_lettered', reason: failure.reason, message: failure.message } };
}

async function keepMisconfigured(
  captured: CapturedRequest,
  runtime: Extract<WebhookRuntime, { kind: 'misconfigured' }>,
): Promise<WebhookResponse> {
  logger.error('Configuration is invalid; keeping the webhook in the dead-letter queue', {
    request_id: captured.request_id,
    error: runtime.error.message,
  });
  if (runtime.deadLetterQueue === undefined) return logUnqueued(captured, runtime.error);

  captured.attempts += 1;
  captured.failure = {
    stage: 'configuration',
    permanent: false,
    reason: 'configuration_error',
    message: runtime.error.message,
    failed_at: new Date().toISOString(),
  };
  try {
    await runtime.deadLetterQueue.send(captured);
  } catch (error) {
    return logUnqueued(captured, error);
  }
  return { statusCode: 202, body: { status: 'dead_lettered', reason: 'configuration_error', message: runtime.error.message } };
}

// The last resort: the request could be neither imported nor queued, so the log is its only copy.
function logUnqueued(captured: CapturedRequest, error: unknown): WebhookResponse {
  logger.error('Webhook could not be imported or queued; the captured request is logged in full', {
    request_id: captured.request_id,
    queue: error instanceof QueueSendError ? error.queueUrl : undefined,
    error: error instanceof Error ? error.message : String(error),
    captured_request: captured,
  });
  return { statusCode: 500, body: { status: 'error', message: 'The webhook could not be imported or queued; it was logged' } };
}

function logSummary(result: PipelineItemResult, keptIn: KeptIn | undefined, durationMs: number): void {
  const common = {
    request_id: result.captured.request_id,
    branch_event: result.event?.event,
    insert_id: result.event?.properties.$insert_id,
    duration_ms: durationMs,
  };
  if (result.status === 'imported') {
    logger.info('Webhook imported', { ...common, status: 'imported' });
    return;
  }
  logger.warn(keptIn === 'retry_queue' ? 'Webhook queued for retry' : 'Webhook dead-lettered', {
    ...common,
    status: keptIn === 'retry_queue' ? 'queued_for_retry' : 'dead_lettered',
    queue: keptIn,
    reason: result.failure.reason,
    stage: result.failure.stage,
    mixpanel_status: result.failure.http_status,
    failed_records: result.failure.failed_records,
    error_message: result.failure.message,
  });
}
