import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the realistic Branch webhook bodies shipped as examples and used as fixtures. */
export const CORPUS_DIR = join(__dirname, '..', '..', 'examples', 'branch');

/** Lists the corpus file names. */
export function listCorpus(): string[] {
  return readdirSync(CORPUS_DIR).filter((name) => name.endsWith('.json')).sort();
}

/** Reads one corpus body as text, exactly as Branch would post it. */
export function readCorpus(name: string): string {
  return readFileSync(join(CORPUS_DIR, name), 'utf8');
}
