import type { RetryConfig } from '../config';

/**
 * Returns how long a request waits in the retry queue after its `receiveCount`-th failed receive:
 * the base delay doubled per receive up to the maximum, plus up to 20 % jitter so requests that
 * failed together (a Mixpanel outage) do not come back together.
 */
export function retryDelaySeconds(receiveCount: number, retry: RetryConfig, random: () => number = Math.random): number {
  const exponential = retry.baseDelaySeconds * 2 ** Math.max(0, receiveCount - 1);
  const capped = Math.min(retry.maxDelaySeconds, exponential);
  const jittered = capped + capped * 0.2 * random();
  // SQS accepts visibility timeouts up to 12 hours.
  return Math.min(43_200, Math.round(jittered));
}
