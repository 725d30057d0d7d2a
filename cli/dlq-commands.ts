import { PurgeQueueCommand } from '@aws-sdk/client-sqs';
import { loadConfig } from '../lib/config';
import { redriveDeadLetters, type RedriveOptions, type RedriveProgress } from '../lib/dead-letter/redrive';
import { computeDeadLetterStats, type DeadLetterStats } from '../lib/dead-letter/stats';
import { MixpanelImportClient } from '../lib/mixpanel/import-client';
import { prepareEvent } from '../lib/pipeline';
import { countVisibleMessages, peekQueuedRequests } from '../lib/queue/queue-reader';
import { SqsRequestQueue } from '../lib/queue/request-queue';
import { PipelineError } from '../lib/errors';
import type { QueueTarget } from './queue-target';

/** Finds one message by its SQS message id or the webhook's request id and shows it with the event it becomes now. */
export async function showDeadLetter(target: QueueTarget, id: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const messages = await peekQueuedRequests(target.client, target.queueUrl);
  const message = messages.find((candidate) => candidate.messageId === id || candidate.captured?.request_id === id);
  if (message === undefined) throw new Error(`No message with message id or request id ${id} in ${target.queueUrl}`);
  if (message.captured === undefined) return { message_id: message.messageId, unreadable: message.unreadable, body: message.rawBody };

  let currentEvent: unknown;
  try {
    const config = loadConfig({ ...env, ...target.environment });
    currentEvent = prepareEvent(structuredClone(message.captured), config).event;
  } catch (error) {
    currentEvent = { error: error instanceof PipelineError ? `${error.reason}: ${error.message}` : (error as Error).message };
  }
  return { message_id: message.messageId, receive_count: message.receiveCount, captured_request: message.captured, mixpanel_event_now: currentEvent };
}

/** Counts the dead-letter queue's messages by reason and event name. */
export async function readDeadLetterStats(target: QueueTarget): Promise<DeadLetterStats> {
  const messages = await peekQueuedRequests(target.client, target.queueUrl, { visibilityTimeoutSeconds: 60 });
  return computeDeadLetterStats(messages);
}

/** Formats statistics as text. */
export function formatStats(stats: DeadLetterStats): string {
  const section = (title: string, counts: Record<string, number>) => [
    title,
    ...Object.entries(counts)
      .sort(([, a], [, b]) => b - a)
      .map(([name, count]) => `  ${String(count).padStart(6)}  ${name}`),
  ];
  return [
    `Messages: ${stats.total}${stats.unreadable > 0 ? ` (${stats.unreadable} unreadable)` : ''}`,
    `Oldest webhook received: ${stats.oldestReceivedAt ?? '-'}`,
    ...section('By reason:', stats.byReason),
    ...section('By event:', stats.byEventName),
  ].join('\n');
}

/** Re-runs dead-lettered requests with the current code and configuration. */
export async function redrive(target: QueueTarget, options: RedriveOptions, env: NodeJS.ProcessEnv): Promise<RedriveProgress> {
  const config = loadConfig({ ...env, ...target.environment });
  return redriveDeadLetters(
    {
      config,
      importer: new MixpanelImportClient(config.mixpanel, {}, config.mixpanel.client),
      client: target.client,
      queueUrl: target.queueUrl,
      deadLetterQueue: new SqsRequestQueue(target.client, target.queueUrl),
    },
    options,
  );
}

/** Formats the result of a redrive. */
export function formatRedrive(progress: RedriveProgress, dryRun: boolean): string {
  const lines = dryRun
    ? [`Dry run: ${progress.processed} message(s) checked, ${progress.wouldImport} would be imported, ${progress.stillFailing} would fail again.`]
    : [`Redrive: ${progress.processed} message(s) processed, ${progress.delivered} delivered, ${progress.stillFailing} still failing.`];
  if (progress.skipped > 0) lines.push(`${progress.skipped} message(s) left alone (other reason or unreadable).`);
  for (const [reason, count] of Object.entries(progress.failureReasons)) lines.push(`  ${String(count).padStart(6)}  ${reason}`);
  return lines.join('\n');
}

/** Deletes every message of the dead-letter queue and returns roughly how many there were. */
export async function purge(target: QueueTarget): Promise<number> {
  const count = await countVisibleMessages(target.client, target.queueUrl);
  // SQS allows one purge per queue every 60 seconds and may take up to 60 seconds to finish it.
  await target.client.send(new PurgeQueueCommand({ QueueUrl: target.queueUrl }));
  return count;
}
