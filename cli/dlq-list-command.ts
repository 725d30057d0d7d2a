import { peekQueuedRequests, type QueuedRequest } from '../lib/queue/queue-reader';
import type { QueueTarget } from './queue-target';

/** One dead-lettered request as `dlq list` shows it. */
export interface DeadLetterSummary {
  message_id: string;
  received_at: string | undefined;
  request_id: string | undefined;
  reason: string;
  stage: string | undefined;
  event_name: string | undefined;
  attempts: number | undefined;
  message: string | undefined;
}

/** Lists the dead-letter queue's messages without removing them. */
export async function listDeadLetters(target: QueueTarget, limit?: number): Promise<DeadLetterSummary[]> {
  const requests = await peekQueuedRequests(target.client, target.queueUrl, { limit });
  return requests.map(summarize).sort((a, b) => (a.received_at ?? '').localeCompare(b.received_at ?? ''));
}

/** Summarises one queued request. */
export function summarize(request: QueuedRequest): DeadLetterSummary {
  const captured = request.captured;
  return {
    message_id: request.messageId,
    received_at: captured?.received_at,
    request_id: captured?.request_id,
    reason: captured?.failure?.reason ?? (captured ? 'unknown' : 'unreadable_message'),
    stage: captured?.failure?.stage,
    event_name: captured?.failure?.event_name,
    attempts: captured?.attempts,
    message: captured?.failure?.message ?? request.unreadable,
  };
}

/** Formats summaries as an aligned text table. */
export function formatDeadLetterTable(summaries: readonly DeadLetterSummary[]): string {
  if (summaries.length === 0) return 'The dead-letter queue is empty.';
  const rows = summaries.map((summary) => [
    summary.received_at ?? '-',
    summary.reason,
    summary.event_name ?? '-',
    summary.request_id ?? '-',
    truncate(summary.message ?? '', 80),
  ]);
  const header = ['RECEIVED_AT', 'REASON', 'EVENT', 'REQUEST_ID', 'MESSAGE'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  return [format(header), ...rows.map(format), '', `${summaries.length} message(s)`].join('\n');
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 3)}...` : text;
}
