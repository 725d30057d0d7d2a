import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { redriveDeadLetters } from '../lib/dead-letter/redrive';
import { loadConfig } from '../lib/config';
import { MixpanelImportClient } from '../lib/mixpanel/import-client';
import { peekQueuedRequests, type QueuedRequest } from '../lib/queue/queue-reader';
import { SqsRequestQueue } from '../lib/queue/request-queue';
import type { MixpanelFault } from './mixpanel-server';
import { startRetryPoller } from './retry-poller';
import { buildSoakWebhooks, type SoakWebhook } from './soak-bodies';
import { startLocalStack } from './stack';
import { startWebhookHttpServer } from './webhook-http-server';

/** Options of a nothing-lost run. */
export interface NothingLostOptions {
  webhooks: number;
  /** `mixed`: timeouts, 429s, 5xx, partial 400s, dropped connections and an outage window; `outage`: every request fails with 503 while webhooks arrive. */
  faults: 'mixed' | 'outage';
  /** Webhooks posted at once. */
  concurrency?: number;
  /** Maximum wait for the retry queue to drain after the faults stop, in milliseconds. */
  drainTimeoutMs?: number;
  log?: (line: string) => void;
}

/** Figures of a nothing-lost run. */
export interface NothingLostReport {
  posted: number;
  /** Bodies that should reach Mixpanel. */
  valid: number;
  /** Events Mixpanel received, duplicates included. */
  received: number;
  /** Valid webhooks found exactly once in Mixpanel after deduplication. */
  imported: number;
  /** Valid webhooks found more than once after deduplication. */
  duplicates: number;
  /** Webhooks in the dead-letter queue at the end. */
  deadLettered: number;
  /** Dead-lettered webhooks whose reason is the expected one. */
  deadLetteredAsExpected: number;
  /** Webhooks neither imported nor dead-lettered. */
  lost: number;
  /** Dead-letter count before the final redrive. */
  deadLetteredBeforeRedrive: number;
  /** Webhook responses by status (`imported`, `queued_for_retry`, `dead_lettered`). */
  answers: Record<string, number>;
  mixpanelRequests: number;
  durationMs: number;
}

const SECRET = 'nothing-lost-secret';

/**
 * Posts webhooks at the local stack over HTTP while the local Mixpanel endpoint injects faults, lets
 * the retry consumer drain the retry queue once the faults stop, redrives the dead-letter queue, and
 * checks that every webhook is in Mixpanel exactly once after deduplication by `$insert_id`, or in
 * the dead-letter queue with its reason. Sets `process.env` for the handlers it loads.
 */
export async function runNothingLost(options: NothingLostOptions): Promise<NothingLostReport> {
  const startedAt = Date.now();
  let faulty = true;
  const stack = await startLocalStack({
    maxReceives: 10,
    mixpanelFaultPlan: (requestNumber) => (faulty ? planFault(options.faults, requestNumber) : undefined),
  });
  Object.assign(process.env, stack.environment, {
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_DEADLINE_MS: '1000',
    MIXPANEL_TIMEOUT_MS: '300',
    MIXPANEL_BATCH_TIMEOUT_MS: '1000',
    MIXPANEL_MAX_RETRIES: '0',
    MIXPANEL_RETRY_BUDGET: '0',
    RETRY_BASE_DELAY_SECONDS: '1',
    RETRY_MAX_DELAY_SECONDS: '2',
    RETRY_MAX_RECEIVES: '10',
  });
  const { handler: webhookHandler } = await import('../handlers/webhook');
  const { handler: retryHandler } = await import('../handlers/retry');
  const webhookServer = await startWebhookHttpServer((event) => webhookHandler(event));
  const poller = startRetryPoller({ client: stack.sqs.client, queueUrl: stack.retryQueueUrl, handler: retryHandler, batchSize: 50, batchWindowMs: 200 });

  try {
    const webhooks = buildSoakWebhooks(options.webhooks, Date.now());
    const answers = await postAll(webhookServer.url, webhooks, options.concurrency ?? 8);
    options.log?.(`posted ${webhooks.length} webhooks; faults stop now`);

    faulty = false;
    await waitUntilEmpty(stack.sqs.client, stack.retryQueueUrl, options.drainTimeoutMs ?? 60_000);
    await poller.stop();
    const deadLetteredBeforeRedrive = (await peekQueuedRequests(stack.sqs.client, stack.deadLetterQueueUrl)).length;
    options.log?.(`retry queue drained; ${deadLetteredBeforeRedrive} in the dead-letter queue; redriving`);

    const config = loadConfig(process.env);
    await redriveDeadLetters({
      config,
      importer: new MixpanelImportClient(config.mixpanel, {}, config.mixpanel.client),
      client: stack.sqs.client,
      queueUrl: stack.deadLetterQueueUrl,
      deadLetterQueue: new SqsRequestQueue(stack.sqs.client, stack.deadLetterQueueUrl),
    });

    const deadLetters = await peekQueuedRequests(stack.sqs.client, stack.deadLetterQueueUrl);
    return tally(webhooks, stack.mixpanel!.uniqueEvents(), stack.mixpanel!.received.length, deadLetters, {
      deadLetteredBeforeRedrive,
      answers,
      mixpanelRequests: stack.mixpanel!.requests.length,
      durationMs: Date.now() - startedAt,
    });
  } finally {
    await poller.stop();
    await webhookServer.close();
    await stack.close();
  }
}

// Faults by request number: one in 7 is rate limited, 11 a 500 with body `1`, 13 delayed past the
// client's timeout (and still imported, as Mixpanel may do), 17 a partial 400, 19 a dropped
// connection, and requests 30-60 fall in an outage window.
function planFault(kind: NothingLostOptions['faults'], requestNumber: number): MixpanelFault | undefined {
  if (kind === 'outage' || (requestNumber >= 30 && requestNumber <= 60)) return { status: 503, body: 'Service Unavailable' };
  if (requestNumber % 7 === 0) return { status: 429, body: '{"code":429,"error":"rate limited","status":"Too Many Requests"}', contentType: 'application/json' };
  if (requestNumber % 11 === 0) return { status: 500, body: '1' };
  if (requestNumber % 13 === 0) return { delayMs: 800 };
  if (requestNumber % 17 === 0) return { rejectIndexes: [0] };
  if (requestNumber % 19 === 0) return { destroySocket: true };
  return undefined;
}

async function postAll(url: string, webhooks: readonly SoakWebhook[], concurrency: number): Promise<Record<string, number>> {
  const answers: Record<string, number> = {};
  let next = 0;
  const worker = async () => {
    while (next < webhooks.length) {
      const webhook = webhooks[next]!;
      next += 1;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
        body: webhook.body,
      });
      const answer = (await response.json()) as { status?: string };
      if (response.status >= 500) throw new Error(`Webhook ${webhook.sequence} got ${response.status}: nothing kept it`);
      const status = answer.status ?? 'unknown';
      answers[status] = (answers[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

async function waitUntilEmpty(client: SQSClient, queueUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    if (Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The retry queue did not drain within ${timeoutMs} ms`);
}


function tally(
  webhooks: readonly SoakWebhook[],
  unique: ReadonlyArray<{ properties: Record<string, unknown> }>,
  received: number,
  deadLetters: readonly QueuedRequest[],
  extra: Pick<NothingLostReport, 'deadLetteredBeforeRedrive' | 'answers' | 'mixpanelRequests' | 'durationMs'>,
): NothingLostReport {
  const seen = new Map<string, number>();
  for (const event of unique) {
    const sequence = String(event.properties.soak_sequence ?? '');
    seen.set(sequence, (seen.get(sequence) ?? 0) + 1);
  }
  const deadLetterReasons = new Map<string, string>();
  for (const message of deadLetters) {
    const sequence = /soak_sequence"\s*:\s*"(\d+)"/.exec(message.captured?.body ?? '')?.[1];
    if (sequence !== undefined) deadLetterReasons.set(sequence, message.captured?.failure?.reason ?? 'unknown');
  }

  let imported = 0;
  let duplicates = 0;
  let deadLetteredAsExpected = 0;
  let lost = 0;
  for (const webhook of webhooks) {
    const key = String(webhook.sequence);
    const count = seen.get(key) ?? 0;
    if (count === 1) imported += 1;
    if (count > 1) duplicates += 1;
    const reason = deadLetterReasons.get(key);
    if (reason !== undefined && reason === webhook.expected) deadLetteredAsExpected += 1;
    if (count === 0 && reason === undefined) lost += 1;
  }

  return {
    posted: webhooks.length,
    valid: webhooks.filter((webhook) => webhook.expected === 'import').length,
    received,
    imported,
    duplicates,
    deadLettered: deadLetters.length,
    deadLetteredAsExpected,
    lost,
    ...extra,
  };
}
