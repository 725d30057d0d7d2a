import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { INPUT_VARIABLE, RESULT_FILE_VARIABLE } from './child-io';

/** Root of the repository. */
export const PROJECT_DIR = resolve(__dirname, '..');

/** Child entry points, each bundled into one file so children run on plain `node`. */
const CHILD_ENTRIES = {
  'transform-child': 'bench/transform-child.ts',
  'import-child': 'bench/import-child.ts',
  'webhook-child': 'bench/webhook-child.ts',
  'init-child': 'bench/init-child.ts',
  'memory-child': 'bench/memory-child.ts',
  'loopback-guard': 'bench/loopback-guard.ts',
} as const;

export type ChildName = keyof typeof CHILD_ENTRIES;

/** Options of one child run. */
export interface ChildRunOptions {
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
  /** Node options placed before the script, such as `--enable-source-maps`. */
  nodeArgs?: string[];
  /** Whether the loopback guard loads first, so the child cannot open a connection to another host. Defaults to true. */
  loopbackGuard?: boolean;
  /** Time in ms after which the child is killed. */
  timeoutMs?: number;
}

/**
 * Bundled child scripts in a temporary folder. Children run as plain `node` processes because
 * `tsx` adds about 35 MiB of resident memory and a compile step to every process, which would
 * distort the memory and start-up figures. Packages stay external and load from the project's
 * `node_modules` through `NODE_PATH`.
 */
export class ChildScripts {
  private constructor(readonly dir: string) {}

  /** Bundles every child entry point with esbuild. */
  static async build(): Promise<ChildScripts> {
    const dir = mkdtempSync(join(tmpdir(), 'branch-to-mixpanel-bench-'));
    const entryPoints = Object.fromEntries(Object.entries(CHILD_ENTRIES).map(([name, path]) => [name, join(PROJECT_DIR, path)]));
    try {
      await build({
        entryPoints,
        outdir: dir,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        packages: 'external',
        logLevel: 'warning',
      });
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return new ChildScripts(dir);
  }

  /** Path of a bundled child script. */
  path(name: ChildName): string {
    return join(this.dir, `${name}.js`);
  }

  /**
   * Runs a child with `input` and returns the result it wrote.
   *
   * @throws Error with the child's stderr when it exits non-zero or runs past its timeout.
   */
  run<Output>(name: ChildName, input: unknown, options: ChildRunOptions = {}): Promise<Output> {
    const resultFile = join(this.dir, `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
    const args = [...(options.loopbackGuard === false ? [] : ['--require', this.path('loopback-guard')]), ...(options.nodeArgs ?? []), this.path(name)];
    const timeoutMs = options.timeoutMs ?? 180_000;

    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, args, {
        cwd: PROJECT_DIR,
        env: { ...childEnvironment(), ...options.env, [INPUT_VARIABLE]: JSON.stringify(input), [RESULT_FILE_VARIABLE]: resultFile },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-8000);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);

      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code !== 0) {
          const cause = signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `exited with ${code ?? signal}`;
          reject(new Error(`Benchmark child ${name} ${cause}:\n${stderr.trim()}`));
          return;
        }
        try {
          resolvePromise(JSON.parse(readFileSync(resultFile, 'utf8')) as Output);
        } catch (error) {
          reject(new Error(`Benchmark child ${name} wrote no readable result: ${(error as Error).message}`));
        } finally {
          rmSync(resultFile, { force: true });
        }
      });
    });
  }

  /** Removes the bundled scripts. */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Copies the parent's environment without the variables that would change what a child does.
 * Those are the proxy variables, because the `mixpanel` package sends every request through
 * `HTTPS_PROXY` or `HTTP_PROXY` when set, and `NODE_OPTIONS`, which each run sets itself.
 */
function childEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || /^(https?_proxy|no_proxy|all_proxy|node_options)$/i.test(name)) continue;
    env[name] = value;
  }
  env.NODE_PATH = join(PROJECT_DIR, 'node_modules');
  return env;
}
