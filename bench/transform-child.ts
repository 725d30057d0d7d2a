import { parseBranchBody } from '../lib/branch/parse';
import { transformBranchEvent } from '../lib/transform/transform';
import { runChildWork } from './child-io';
import { DEFAULT_MAPPING, readCorpusBodies } from './corpus';

/** Input of the transform throughput child. */
export interface TransformInput {
  projectDir: string;
  /** Events per measured pass. */
  count: number;
  repetitions: number;
  /** Events parsed and transformed before the first measured pass, so the JIT has compiled the hot paths. */
  warmupCount: number;
  /** Whether the JSON.parse plus JSON.stringify floor is measured too. */
  includeFloor: boolean;
}

/** One repetition: the floor and our parse and transform over the same bodies. */
export interface TransformRun {
  floorMs: number;
  oursMs: number;
  /** Part of `oursMs` spent in `parseBranchBody`. */
  parseMs: number;
  /** Part of `oursMs` spent in `transformBranchEvent`. */
  transformMs: number;
}

/** Result of the transform throughput child. */
export interface TransformOutput {
  runs: TransformRun[];
  bodies: number;
  /** Events transformed in each measured pass. */
  events: number;
  /** Sum of output lengths, which keeps the work from being optimised away. */
  checksum: number;
}

function measure(input: TransformInput): TransformOutput {
  const bodies = readCorpusBodies(input.projectDir);
  const receivedAt = Date.now();
  const requestIds = Array.from({ length: input.count }, (_, index) => `bench-${index}`);
  let checksum = 0;

  const runFloor = (count: number): number => {
    const startedAt = performance.now();
    for (let index = 0; index < count; index += 1) {
      checksum += JSON.stringify(JSON.parse(bodies[index % bodies.length]!)).length;
    }
    return performance.now() - startedAt;
  };

  const runOurs = (count: number): Omit<TransformRun, 'floorMs'> => {
    let parseMs = 0;
    let transformMs = 0;
    const startedAt = performance.now();
    for (let index = 0; index < count; index += 1) {
      const beforeParse = performance.now();
      const branchEvent = parseBranchBody(bodies[index % bodies.length]!);
      const afterParse = performance.now();
      const result = transformBranchEvent(branchEvent, { mapping: DEFAULT_MAPPING, receivedAt, requestId: requestIds[index]! });
      transformMs += performance.now() - afterParse;
      parseMs += afterParse - beforeParse;
      checksum += result.event.event.length;
    }
    return { oursMs: performance.now() - startedAt, parseMs, transformMs };
  };

  if (input.includeFloor) runFloor(input.warmupCount);
  runOurs(input.warmupCount);

  const runs: TransformRun[] = [];
  for (let repetition = 0; repetition < input.repetitions; repetition += 1) {
    // Alternate the order, so slow drift on a shared machine does not always favour one side.
    if (repetition % 2 === 0) {
      const floorMs = input.includeFloor ? runFloor(input.count) : 0;
      runs.push({ floorMs, ...runOurs(input.count) });
    } else {
      const ours = runOurs(input.count);
      runs.push({ floorMs: input.includeFloor ? runFloor(input.count) : 0, ...ours });
    }
  }
  return { runs, bodies: bodies.length, events: input.count, checksum };
}

runChildWork(measure);
