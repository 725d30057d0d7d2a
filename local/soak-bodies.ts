import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One webhook body of a soak run and what should become of it. */
export interface SoakWebhook {
  sequence: number;
  body: string;
  /** `import` when it should reach Mixpanel, else the dead-letter reason it should get. */
  expected: 'import' | 'invalid_json' | 'invalid_time';
}

const EXAMPLES_DIR = join(__dirname, '..', 'examples', 'branch');

// Example bodies that carry an event time, so their `$insert_id` does not depend on the request.
const CURRENT_TEMPLATES = ['v2-install-ios-paid-click.json', 'v2-purchase-eur-content-items.json', 'v2-open-organic-android-mixpanel-id.json'];
const LEGACY_TEMPLATES = ['legacy-install-referred-ad-2018.json', 'legacy-custom-event-with-state.json'];

/**
 * Builds `count` distinct webhook bodies from the examples, each marked with `soak_sequence` (in
 * `custom_data`, or legacy `metadata`) so its Mixpanel event can be found. Every 25th body is
 * truncated JSON and every 40th carries a time a day in the future; both must end in the
 * dead-letter queue with their reason.
 */
export function buildSoakWebhooks(count: number, now: number): SoakWebhook[] {
  const current = CURRENT_TEMPLATES.map((name) => readFileSync(join(EXAMPLES_DIR, name), 'utf8'));
  const legacy = LEGACY_TEMPLATES.map((name) => readFileSync(join(EXAMPLES_DIR, name), 'utf8'));
  const webhooks: SoakWebhook[] = [];

  for (let sequence = 0; sequence < count; sequence += 1) {
    const eventTime = now - 60_000 - sequence * 1000;
    if (sequence % 25 === 24) {
      webhooks.push({ sequence, body: `{"name":"OPEN","custom_data":{"soak_sequence":"${sequence}"},`, expected: 'invalid_json' });
      continue;
    }
    const futureTime = sequence % 40 === 39;
    const time = futureTime ? now + 24 * 3600_000 : eventTime;

    if (sequence % 3 === 2) {
      const body = JSON.parse(legacy[sequence % legacy.length]!) as Record<string, any>;
      body.event_timestamp = new Date(time).toISOString();
      body.metadata = { ...body.metadata, soak_sequence: String(sequence) };
      webhooks.push({ sequence, body: JSON.stringify(body), expected: futureTime ? 'invalid_time' : 'import' });
      continue;
    }
    const body = JSON.parse(current[sequence % current.length]!) as Record<string, any>;
    body.id = String(7_000_000_000_000_000_000n + BigInt(sequence));
    body.timestamp = time;
    body.event_timestamp = time;
    body.custom_data = { ...body.custom_data, soak_sequence: String(sequence) };
    webhooks.push({ sequence, body: JSON.stringify(body), expected: futureTime ? 'invalid_time' : 'import' });
  }
  return webhooks;
}
