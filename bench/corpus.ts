import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseBranchBody } from '../lib/branch/parse';
import { loadMappingConfig } from '../lib/config';
import { captureRequest, type CapturedRequest } from '../lib/queue/captured-request';
import { transformBranchEvent } from '../lib/transform/transform';
import type { MixpanelEvent } from '../lib/transform/mixpanel-event';

/** Relative path of the Branch webhook bodies every benchmark runs on. */
export const CORPUS_RELATIVE_DIR = join('examples', 'branch');

/** Mapping settings of a deployment that sets no mapping variables. */
export const DEFAULT_MAPPING = loadMappingConfig({}).mapping;

/** Reads every corpus body, in file-name order, exactly as Branch posts it. */
export function readCorpusBodies(projectDir: string): string[] {
  const dir = join(projectDir, CORPUS_RELATIVE_DIR);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readFileSync(join(dir, name), 'utf8'));
}

/**
 * Builds `count` Mixpanel events by parsing and transforming the corpus bodies in turn, each with
 * its own request id. `receivedAt` must be later than every corpus event time, or the transform
 * rejects the event as more than an hour in the future.
 */
export function buildEvents(bodies: readonly string[], count: number, receivedAt: number): MixpanelEvent[] {
  const events: MixpanelEvent[] = [];
  for (let index = 0; index < count; index += 1) {
    const branchEvent = parseBranchBody(bodies[index % bodies.length]!);
    const { event } = transformBranchEvent(branchEvent, { mapping: DEFAULT_MAPPING, receivedAt, requestId: `bench-${index}` });
    events.push(event);
  }
  return events;
}

/**
 * Builds `count` dead-lettered requests from the corpus bodies, each failed by a Mixpanel timeout
 * as the webhook would have stored it.
 */
export function buildDeadLetters(bodies: readonly string[], count: number, receivedAt: Date): CapturedRequest[] {
  const requests: CapturedRequest[] = [];
  for (let index = 0; index < count; index += 1) {
    const captured = captureRequest({
      requestId: `bench-dead-letter-${index}`,
      receivedAt,
      method: 'POST',
      path: '/webhooks/branch',
      query: {},
      headers: { 'content-type': 'application/json', 'user-agent': 'Branch Webhook' },
      body: Buffer.from(bodies[index % bodies.length]!, 'utf8'),
    });
    captured.attempts = 1;
    captured.failure = {
      stage: 'import',
      permanent: false,
      reason: 'mixpanel_timeout',
      message: 'Mixpanel did not respond within 1000 ms',
      failed_at: receivedAt.toISOString(),
    };
    requests.push(captured);
  }
  return requests;
}
