import type { QueuedRequest } from '../queue/queue-reader';

/** Counts of a dead-letter queue's messages. */
export interface DeadLetterStats {
  total: number;
  byReason: Record<string, number>;
  byEventName: Record<string, number>;
  /** Receive time of the oldest webhook in the queue, ISO-8601. */
  oldestReceivedAt: string | undefined;
  unreadable: number;
}

/** Counts messages by failure reason and event name and finds the oldest. */
export function computeDeadLetterStats(messages: readonly QueuedRequest[]): DeadLetterStats {
  const stats: DeadLetterStats = { total: messages.length, byReason: {}, byEventName: {}, oldestReceivedAt: undefined, unreadable: 0 };
  for (const message of messages) {
    const captured = message.captured;
    if (captured === undefined) {
      stats.unreadable += 1;
      continue;
    }
    const reason = captured.failure?.reason ?? 'unknown';
    const eventName = captured.failure?.event_name ?? '(not parsed)';
    stats.byReason[reason] = (stats.byReason[reason] ?? 0) + 1;
    stats.byEventName[eventName] = (stats.byEventName[eventName] ?? 0) + 1;
    if (stats.oldestReceivedAt === undefined || captured.received_at < stats.oldestReceivedAt) stats.oldestReceivedAt = captured.received_at;
  }
  return stats;
}
