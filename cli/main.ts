import { parseArgs } from 'node:util';
import { formatDeadLetterTable, listDeadLetters } from './dlq-list-command';
import { resolveDeadLetterQueue } from './queue-target';
import { runTransform } from './transform-command';

const USAGE = `Usage: branch-to-mixpanel <command>

Commands:
  transform FILE|-             Print the Mixpanel events a Branch webhook body becomes (no network).
      --received-at ISO-8601   Receive time used for bodies that carry no event time (default: now).
      --request-id ID          Request id hashed into $insert_id of bodies without an event time (default: cli).
  dlq list                     List the dead-letter queue: receive time, reason, event name, request id.
      --json                   Print JSON instead of a table.
      --limit N                List at most N messages.

The dead-letter queue is DEAD_LETTER_QUEUE_URL (with AWS_ENDPOINT_URL_SQS and AWS credentials),
or the running local stack's .local/stack.json when that is unset.
Mapping settings come from EVENT_NAME_PREFIX, MIXPANEL_ID_MERGE and MIXPANEL_PROJECT_TOKEN.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'received-at': { type: 'string' },
      'request-id': { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, subcommand] = positionals;

  if (values.help || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }

  if (command === 'transform') {
    if (subcommand === undefined) throw new UsageError('transform needs a FILE, or - for standard input');
    const events = runTransform(subcommand, { receivedAt: values['received-at'], requestId: values['request-id'] });
    process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
    return 0;
  }

  if (command === 'dlq' && subcommand === 'list') {
    const limit = parseLimit(values.limit);
    const summaries = await listDeadLetters(resolveDeadLetterQueue(), limit);
    process.stdout.write(values.json ? `${JSON.stringify(summaries, null, 2)}\n` : `${formatDeadLetterTable(summaries)}\n`);
    return 0;
  }

  throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
}

class UsageError extends Error {}

function parseLimit(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit <= 0) throw new UsageError(`--limit must be a positive integer; got ${JSON.stringify(value)}`);
  return limit;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`branch-to-mixpanel: ${message}\n`);
    if (error instanceof UsageError) process.stderr.write(`\n${USAGE}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
