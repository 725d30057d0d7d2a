import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_DIR, type ChildScripts } from './child-runner';
import type { InitInput, InitOutput } from './init-child';
import { median, summarize, type Summary } from './stats';
import { listZipEntries } from './zip-entries';

const execFileAsync = promisify(execFile);

/** Target: the minified webhook bundle is at most this many bytes (150 KB). */
export const BUNDLE_TARGET_BYTES = 150 * 1000;

/** Target: loading the bundle takes at most this many ms more than loading an empty handler. */
export const INIT_TARGET_MS = 50;

/** Command that builds the package, as the page quotes it. */
export const PACKAGE_COMMAND = 'npx serverless package --stage prod --package DIR';

const PROCESS_ROUNDS = 15;

/** The Lambda package that `serverless package` built, unpacked where a child can load it. */
export interface PackagedHandlers {
  dir: string;
  webhookFile: string;
  emptyFile: string;
  /** An empty handler that loads `@aws-sdk/client-sqs`, which the bundle leaves to the runtime. */
  sdkOnlyFile: string;
  /** Bytes of the minified `handlers/webhook.js`. */
  webhookMinifiedBytes: number;
  /** Bytes of `handlers/webhook.js` deflated inside the zip. */
  webhookZippedBytes: number;
  /** Bytes of the whole zip: both handlers and their source maps. */
  packageBytes: number;
  cleanup(): void;
}

/** Result of the cold start benchmark. */
export interface ColdStartBenchmark {
  webhookMinifiedBytes: number;
  webhookZippedBytes: number;
  packageBytes: number;
  bundleRequireMs: Summary;
  emptyRequireMs: Summary;
  /** Load time of an empty handler that only requires `@aws-sdk/client-sqs`. */
  sdkOnlyRequireMs: Summary;
  /** Median bundle load time minus the median empty handler load time. */
  initAboveEmptyMs: number;
  firstInvocationMs: Summary;
  secondInvocationMs: Summary;
  bundleReadyAfterMs: Summary;
  emptyReadyAfterMs: Summary;
  bundlePeakRssMiB: Summary;
  emptyPeakRssMiB: Summary;
}

/**
 * Builds the deployment package with `serverless package` (esbuild, minified, the AWS SDK left to
 * the Lambda runtime) and unpacks the webhook handler and its source map next to an empty handler.
 */
export async function packageHandlers(): Promise<PackagedHandlers> {
  const dir = mkdtempSync(join(tmpdir(), 'branch-to-mixpanel-package-'));
  const packageDir = join(dir, 'package');
  // Unset deploy parameters are passed as empty strings, as the deployment test does.
  await execFileAsync(join(PROJECT_DIR, 'node_modules', '.bin', 'serverless'), ['package', '--stage', 'prod', '--package', packageDir], {
    cwd: PROJECT_DIR,
    env: { ...process.env, WEBHOOK_SECRET: '', DEAD_LETTER_QUEUE_URL: '', SLS_TELEMETRY_DISABLED: '1' },
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024,
  });

  const zipFile = join(packageDir, 'branch-to-mixpanel.zip');
  const entries = listZipEntries(readFileSync(zipFile));
  const webhook = entries.find((entry) => entry.name === 'handlers/webhook.js');
  if (webhook === undefined) throw new Error(`${zipFile} has no handlers/webhook.js; entries: ${entries.map((entry) => entry.name).join(', ')}`);
  for (const entry of entries.filter((candidate) => candidate.name.startsWith('handlers/webhook.js'))) {
    const target = join(dir, 'bundle', entry.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.read());
  }
  const emptyFile = join(dir, 'empty', 'handler.js');
  mkdirSync(dirname(emptyFile), { recursive: true });
  writeFileSync(emptyFile, "exports.handler = async () => ({ statusCode: 200, body: '' });\n");
  const sdkOnlyFile = join(dir, 'sdk-only', 'handler.js');
  mkdirSync(dirname(sdkOnlyFile), { recursive: true });
  writeFileSync(sdkOnlyFile, "require('@aws-sdk/client-sqs');\nexports.handler = async () => ({ statusCode: 200, body: '' });\n");

  return {
    dir,
    webhookFile: join(dir, 'bundle', 'handlers', 'webhook.js'),
    emptyFile,
    sdkOnlyFile,
    webhookMinifiedBytes: webhook.uncompressedBytes,
    webhookZippedBytes: webhook.compressedBytes,
    packageBytes: statSync(zipFile).size,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Loads three handlers in fresh Node processes, taking turns: the bundled webhook handler, an
 * empty handler, and one that only loads the SQS client. Each runs with the deployment's
 * `--enable-source-maps`. The probe invocations fail authentication, so no request leaves the
 * process, and the URLs in the environment are never called.
 */
export async function runColdStartBenchmark(children: ChildScripts, packaged: PackagedHandlers): Promise<ColdStartBenchmark> {
  const env = {
    AWS_REGION: 'us-east-1',
    WEBHOOK_SECRET: 'bench-webhook-secret',
    DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:1/000000000000/bench-dead-letter',
    RETRY_QUEUE_URL: 'http://127.0.0.1:1/000000000000/bench-retry',
    MIXPANEL_API_URL: 'http://127.0.0.1:1',
    MIXPANEL_PROJECT_TOKEN: 'bench-project-token',
    POWERTOOLS_SERVICE_NAME: 'branch-to-mixpanel',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  const bundle: InitOutput[] = [];
  const empty: InitOutput[] = [];
  const sdkOnly: InitOutput[] = [];
  const handlers = [
    [packaged.webhookFile, bundle],
    [packaged.emptyFile, empty],
    [packaged.sdkOnlyFile, sdkOnly],
  ] as const;
  for (let round = 0; round < PROCESS_ROUNDS; round += 1) {
    for (const [handlerFile, outputs] of handlers) {
      const input: InitInput = { handlerFile };
      const output = await children.run<InitOutput>('init-child', input, { env, nodeArgs: ['--enable-source-maps'], timeoutMs: 30_000 });
      if (output.statusCode !== (handlerFile === packaged.webhookFile ? 401 : 200)) {
        throw new Error(`The probe invocation of ${handlerFile} returned ${output.statusCode}`);
      }
      outputs.push(output);
    }
  }

  const pick = (outputs: InitOutput[], field: keyof InitOutput) => outputs.map((output) => output[field] as number);
  return {
    webhookMinifiedBytes: packaged.webhookMinifiedBytes,
    webhookZippedBytes: packaged.webhookZippedBytes,
    packageBytes: packaged.packageBytes,
    bundleRequireMs: summarize(pick(bundle, 'requireMs')),
    emptyRequireMs: summarize(pick(empty, 'requireMs')),
    sdkOnlyRequireMs: summarize(pick(sdkOnly, 'requireMs')),
    initAboveEmptyMs: median(pick(bundle, 'requireMs')) - median(pick(empty, 'requireMs')),
    firstInvocationMs: summarize(pick(bundle, 'firstInvocationMs')),
    secondInvocationMs: summarize(pick(bundle, 'secondInvocationMs')),
    bundleReadyAfterMs: summarize(pick(bundle, 'readyAfterMs')),
    emptyReadyAfterMs: summarize(pick(empty, 'readyAfterMs')),
    bundlePeakRssMiB: summarize(pick(bundle, 'peakRssMiB')),
    emptyPeakRssMiB: summarize(pick(empty, 'peakRssMiB')),
  };
}
