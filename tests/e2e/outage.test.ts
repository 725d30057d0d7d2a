import { logger } from '../../lib/logger';
import { runNothingLost, type NothingLostReport } from '../../local/nothing-lost';

// Handlers keep their configuration per module instance, so this run has a test file of its own.
describe('outage shorter than the retry window', () => {
  let report: NothingLostReport;

  beforeAll(async () => {
    logger.setLogLevel('ERROR');
    report = await runNothingLost({ webhooks: 40, faults: 'outage' });
  }, 120_000);

  it('queues every valid webhook for retry', () => {
    expect(report.answers.queued_for_retry).toBe(report.valid);
  });

  it('leaves only invalid webhooks in the dead-letter queue', () => {
    expect(report.deadLetteredBeforeRedrive).toBe(report.posted - report.valid);
    expect(report.lost).toBe(0);
    expect(report.imported).toBe(report.valid);
  });
});
