import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildScripts, PROJECT_DIR } from './child-runner';
import { packageHandlers, runColdStartBenchmark, type PackagedHandlers } from './cold-start';
import { runImportBenchmark } from './import-path';
import { describeMachine } from './machine';
import { runMemoryBenchmark } from './memory';
import { renderReport } from './report';
import { runTransformBenchmark } from './transform-throughput';
import { runWebhookBenchmark } from './webhook-overhead';

/** Page that `npm run bench` rewrites. */
const REPORT_FILE = join(PROJECT_DIR, 'docs', 'benchmarks.md');

const STEP_COUNT = 6;
let stepNumber = 0;

// Prints each step's start and duration, so a slow or stuck step is visible while the run lasts.
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  stepNumber += 1;
  const startedAt = performance.now();
  process.stdout.write(`[${stepNumber}/${STEP_COUNT}] ${name}...\n`);
  const result = await work();
  process.stdout.write(`[${stepNumber}/${STEP_COUNT}] ${name} done in ${((performance.now() - startedAt) / 1000).toFixed(1)} s\n`);
  return result;
}

/** Runs every benchmark in turn and writes `docs/benchmarks.md`. */
async function main(): Promise<void> {
  const startedAt = new Date();
  const started = performance.now();
  const machine = describeMachine(startedAt);
  const children = await ChildScripts.build();
  let packaged: PackagedHandlers | undefined;

  try {
    const transform = await step('Transform throughput', () => runTransformBenchmark(children));
    const importPath = await step('Import path (ours, mixpanel, mixpanel-import)', () => runImportBenchmark(children));
    const coldStart = await step('Cold start (serverless package, module initialisation)', async () => {
      packaged = await packageHandlers();
      return runColdStartBenchmark(children, packaged);
    });
    const webhookFile = packaged!.webhookFile;
    const webhook = await step('Webhook overhead', () => runWebhookBenchmark(children, webhookFile));
    const memory = await step('Memory (import batch, redrive)', () => runMemoryBenchmark(children));

    const runSeconds = (performance.now() - started) / 1000;
    await step('Report', async () => {
      writeFileSync(REPORT_FILE, renderReport({ machine, runSeconds, transform, importPath, webhook, coldStart, memory }));
    });
    process.stdout.write(`Wrote ${REPORT_FILE} after ${runSeconds.toFixed(0)} s\n`);
  } finally {
    children.cleanup();
    packaged?.cleanup();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
