import { readFileSync } from 'node:fs';
import { parseBranchBody } from '../lib/branch/parse';
import { loadMappingConfig } from '../lib/config';
import { transformBranchEvent } from '../lib/transform/transform';
import type { MixpanelEvent } from '../lib/transform/mixpanel-event';

/** Options of the `transform` command. */
export interface TransformCommandOptions {
  /** Receive time for bodies that carry no event time, ISO-8601; defaults to now. */
  receivedAt?: string;
  /** Request id that legacy bodies without an event time hash into `$insert_id`. */
  requestId?: string;
}

/**
 * Prints the Mixpanel events a webhook body becomes, without any network call. Reads the body from
 * FILE, or from standard input when FILE is `-`.
 */
export function runTransform(file: string, options: TransformCommandOptions, env: NodeJS.ProcessEnv = process.env): MixpanelEvent[] {
  const body = readFileSync(file === '-' ? 0 : file, 'utf8');
  const receivedAt = options.receivedAt === undefined ? Date.now() : Date.parse(options.receivedAt);
  if (Number.isNaN(receivedAt)) throw new Error(`--received-at must be an ISO-8601 time; got ${JSON.stringify(options.receivedAt)}`);

  const { mapping, projectToken } = loadMappingConfig(env);
  const result = transformBranchEvent(parseBranchBody(body), {
    mapping,
    projectToken,
    receivedAt,
    requestId: options.requestId ?? 'cli',
  });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  return [result.event];
}
