import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** A function's share of the samples in a V8 CPU profile. */
export interface ProfileEntry {
  functionName: string;
  /** Percent of all samples taken while this function itself was running. */
  selfPercent: number;
  /** Percent of all samples taken while this function was on the stack. */
  totalPercent: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Functions that are the runtime's or the benchmark's own, not the code being profiled. */
const IGNORED = new Set(['', '(root)', '(program)', '(idle)', 'measure', 'runOurs', 'runChildWork']);

/** Sample time per function name in one profile. */
export interface ProfileTimes {
  self: Map<string, number>;
  total: Map<string, number>;
  sampled: number;
}

/**
 * Reads the one `.cpuprofile` that `node --cpu-prof --cpu-prof-dir=DIR` wrote. Functions are keyed
 * by name alone, because the child runs from a bundle whose file and line numbers are not the
 * sources'.
 */
export function readCpuProfile(profileDir: string): ProfileTimes {
  const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`No .cpuprofile file in ${profileDir}`);
  const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as CpuProfile;

  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  const times: ProfileTimes = { self: new Map(), total: new Map(), sampled: 0 };
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    times.sampled += delta;
    const name = nodes.get(nodeId)?.callFrame.functionName ?? '';
    times.self.set(name, (times.self.get(name) ?? 0) + delta);

    // A recursive function counts once per sample in its total.
    const onStack = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parents.get(id)) onStack.add(nodes.get(id)?.callFrame.functionName ?? '');
    for (const stackName of onStack) times.total.set(stackName, (times.total.get(stackName) ?? 0) + delta);
  });
  return times;
}

/** Returns the functions that ran the most themselves, with their self and total shares. */
export function listTopFunctions(times: ProfileTimes, limit: number): ProfileEntry[] {
  return [...times.self.entries()]
    .filter(([name]) => !IGNORED.has(name))
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([functionName, selfTime]) => describeFunction(times, functionName, selfTime));
}

/** Returns the self and total shares of the named functions, in the order given. */
export function describeFunctions(times: ProfileTimes, names: readonly string[]): ProfileEntry[] {
  return names.map((name) => describeFunction(times, name, times.self.get(name) ?? 0));
}

function describeFunction(times: ProfileTimes, functionName: string, selfTime: number): ProfileEntry {
  const sampled = Math.max(times.sampled, 1);
  return { functionName, selfPercent: (100 * selfTime) / sampled, totalPercent: (100 * (times.total.get(functionName) ?? 0)) / sampled };
}
