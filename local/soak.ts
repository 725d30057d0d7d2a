import { logger } from '../lib/logger';
import { runNothingLost } from './nothing-lost';

// `npm run soak`: the long form of the nothing-lost test. SOAK_WEBHOOKS sets the number of webhooks.

async function main(): Promise<void> {
  logger.setLogLevel('ERROR');
  const webhooks = Number(process.env.SOAK_WEBHOOKS ?? 1000);
  if (!Number.isInteger(webhooks) || webhooks < 1) throw new Error(`SOAK_WEBHOOKS must be a positive integer; got ${process.env.SOAK_WEBHOOKS}`);

  const report = await runNothingLost({ webhooks, faults: 'mixed', drainTimeoutMs: 300_000, log: (line) => console.log(line) });
  console.log(
    [
      `posted:          ${report.posted} (${report.valid} valid, ${report.posted - report.valid} invalid on purpose)`,
      `answers:         ${JSON.stringify(report.answers)}`,
      `Mixpanel:        ${report.received} events received in ${report.mixpanelRequests} requests`,
      `imported:        ${report.imported} exactly once after deduplication by $insert_id`,
      `duplicates:      ${report.duplicates} after deduplication (${report.received - report.imported} raw repeats)`,
      `dead-lettered:   ${report.deadLettered} (${report.deadLetteredAsExpected} with the expected reason; ${report.deadLetteredBeforeRedrive} before redrive)`,
      `lost:            ${report.lost}`,
      `duration:        ${(report.durationMs / 1000).toFixed(1)} s`,
    ].join('\n'),
  );
  const healthy = report.lost === 0 && report.duplicates === 0 && report.imported === report.valid && report.deadLetteredAsExpected === report.deadLettered;
  process.exitCode = healthy ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error(`Soak run failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
