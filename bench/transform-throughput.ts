import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_DIR, type ChildScripts } from './child-runner';
import { describeFunctions, listTopFunctions, readCpuProfile, type ProfileEntry } from './cpu-profile';
import { summarize, type Summary } from './stats';
import type { TransformInput, TransformOutput } from './transform-child';

/** Target: parse and transform take at most this many times the JSON.parse plus JSON.stringify floor. */
export const TRANSFORM_TARGET_RATIO = 4;

const EVENTS_PER_PASS = 100_000;
const REPETITIONS = 5;
const WARMUP_EVENTS = 10_000;
const PROFILED_EVENTS = 20_000;

/** Pipeline steps whose share of the profile the page reports. */
const PROFILED_STEPS = ['parseBranchBody', 'parseJsonLossless', 'measureJsonDepth', 'transformBranchEvent', 'applyMixpanelLimits', 'deriveInsertId'];

/** Result of the transform throughput benchmark. */
export interface TransformBenchmark {
  bodies: number;
  eventsPerPass: number;
  floorMs: Summary;
  oursMs: Summary;
  parseMs: Summary;
  transformMs: Summary;
  /** Our time over the floor's, per repetition. */
  ratio: Summary;
  /** Events per second of our parse and transform. */
  eventsPerSecond: Summary;
  topFunctions: ProfileEntry[];
  steps: ProfileEntry[];
}

/**
 * Times parse and transform of the corpus bodies, repeated to 100,000 events per pass, against
 * JSON.parse plus JSON.stringify of the same bodies in the same process, then profiles a shorter
 * pass to show where the time goes.
 */
export async function runTransformBenchmark(children: ChildScripts): Promise<TransformBenchmark> {
  const input: TransformInput = { projectDir: PROJECT_DIR, count: EVENTS_PER_PASS, repetitions: REPETITIONS, warmupCount: WARMUP_EVENTS, includeFloor: true };
  const output = await children.run<TransformOutput>('transform-child', input);

  const profileDir = mkdtempSync(join(tmpdir(), 'branch-to-mixpanel-profile-'));
  try {
    const profiled: TransformInput = { ...input, count: PROFILED_EVENTS, repetitions: 1, warmupCount: WARMUP_EVENTS, includeFloor: false };
    await children.run<TransformOutput>('transform-child', profiled, { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
    const times = readCpuProfile(profileDir);

    return {
      bodies: output.bodies,
      eventsPerPass: output.events,
      floorMs: summarize(output.runs.map((run) => run.floorMs)),
      oursMs: summarize(output.runs.map((run) => run.oursMs)),
      parseMs: summarize(output.runs.map((run) => run.parseMs)),
      transformMs: summarize(output.runs.map((run) => run.transformMs)),
      ratio: summarize(output.runs.map((run) => run.oursMs / run.floorMs)),
      eventsPerSecond: summarize(output.runs.map((run) => (output.events * 1000) / run.oursMs)),
      topFunctions: listTopFunctions(times, 10),
      steps: describeFunctions(times, PROFILED_STEPS),
    };
  } finally {
    rmSync(profileDir, { recursive: true, force: true });
  }
}
