import { readFileSync, writeFileSync } from 'node:fs';

/** Environment variable with the child's input as JSON. */
export const INPUT_VARIABLE = 'BENCH_INPUT';

/** Environment variable naming the file the child writes its result to as JSON. */
export const RESULT_FILE_VARIABLE = 'BENCH_RESULT_FILE';

/**
 * Runs the work of a benchmark child process: reads its input, writes the result file, and exits
 * non-zero with the error on stderr when the work fails. The result goes to a file rather than
 * stdout because the handlers' logger writes to stdout.
 */
export function runChildWork<Input, Output>(work: (input: Input) => Promise<Output> | Output): void {
  const resultFile = process.env[RESULT_FILE_VARIABLE];
  const inputText = process.env[INPUT_VARIABLE];
  if (resultFile === undefined || inputText === undefined) {
    process.stderr.write(`This file is a benchmark child process: run it through bench/run.ts, which sets ${INPUT_VARIABLE} and ${RESULT_FILE_VARIABLE}\n`);
    process.exit(2);
  }

  Promise.resolve()
    .then(() => work(JSON.parse(inputText) as Input))
    .then((output) => {
      writeFileSync(resultFile, JSON.stringify(output));
      // Keep-alive sockets and SDK clients would otherwise keep the process alive.
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    });
}

/**
 * Returns the peak resident set size of this process so far, in MiB: `VmHWM` from
 * `/proc/self/status` on Linux. `process.resourceUsage().maxRSS` is not used there, because Linux
 * carries the parent's RSS at fork time over into the child's `ru_maxrss` across exec, so a child
 * of a large parent would report the parent's size. Elsewhere it falls back to `maxRSS`.
 */
export function readPeakRssMiB(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1] !== undefined) return Number(match[1]) / 1024;
  } catch {
    // No procfs: not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}
