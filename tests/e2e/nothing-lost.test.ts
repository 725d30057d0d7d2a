import { logger } from '../../lib/logger';
import { runNothingLost, type NothingLostReport } from '../../local/nothing-lost';

// The suite's short form of `npm run soak`: real HTTP, the embedded SQS server, the retry consumer
// and the local Mixpanel endpoint with scripted faults, all in this process on 127.0.0.1.
describe('nothing lost', () => {
  let report: NothingLostReport;

  beforeAll(async () => {
    logger.setLogLevel('ERROR');
    report = await runNothingLost({ webhooks: 150, faults: 'mixed' });
  }, 120_000);

  it('loses no webhook under mixed faults', () => {
    expect(report.lost).toBe(0);
  });

  it('imports every valid webhook exactly once', () => {
    expect(report.imported).toBe(report.valid);
    expect(report.duplicates).toBe(0);
  });

  it('keeps only invalid webhooks in the dead-letter queue', () => {
    expect(report.deadLettered).toBe(report.posted - report.valid);
    expect(report.deadLetteredAsExpected).toBe(report.deadLettered);
  });

  it('sent transient failures through the retry queue', () => {
    expect(report.answers.queued_for_retry).toBeGreaterThan(0);
    expect(report.answers.imported).toBeGreaterThan(0);
  });

  it('healed injected rejections by redrive', () => {
    expect(report.deadLetteredBeforeRedrive).toBeGreaterThan(report.deadLettered);
  });
});
