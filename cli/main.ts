import { parseArgs } from 'node:util';
import { formatRedrive, formatStats, purge, readDeadLetterStats, redrive, showDeadLetter } from './dlq-commands';
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
  dlq show ID                  Show one message (SQS message id or request id) and the event it becomes now.
  dlq stats                    Count messages by reason and event name, and show the oldest.
      --json                   Print JSON instead of text.
  dlq redrive                  Re-run parse, transform and import with the current code and configuration;
                               delete what is delivered, keep what still fails with its new failure.
      --dry-run                Only check what would be imported; send and delete nothing.
      --limit N                Process at most N messages.
      --reason R               Only messages whose failure reason is R (for example mixpanel_server_error).
  dlq purge --yes              Delete every message of the dead-letter queue.

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
      reason: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      yes: { type: 'boolean', default: false },
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

  if (command === 'dlq') return runDlqCommand(subcommand, positionals[2], values);

  throw new UsageError(`Unknown command: ${positionals.join(' ')}`);
}

type CommandValues = { json?: boolean; limit?: string; reason?: string; 'dry-run'?: boolean; yes?: boolean };

async function runDlqCommand(subcommand: string | undefined, argument: string | undefined, values: CommandValues): Promise<number> {
  const write = (text: string) => process.stdout.write(`${text}\n`);
  switch (subcommand) {
    case 'list': {
      const summaries = await listDeadLetters(resolveDeadLetterQueue(), parseLimit(values.limit));
      write(values.json ? JSON.stringify(summaries, null, 2) : formatDeadLetterTable(summaries));
      return 0;
    }
    case 'show': {
      if (argument === undefined) throw new UsageError('dlq show needs a message id or request id');
      write(JSON.stringify(await showDeadLetter(resolveDeadLetterQueue(), argument, process.env), null, 2));
      return 0;
    }
    case 'stats': {
      const stats = await readDeadLetterStats(resolveDeadLetterQueue());
      write(values.json ? JSON.stringify(stats, null, 2) : formatStats(stats));
      return 0;
    }
    case 'redrive': {
      const dryRun = values['dry-run'] ?? false;
      const progress = await redrive(
        resolveDeadLetterQueue(),
        {
          dryRun,
          limit: parseLimit(values.limit),
          reason: values.reason,
          onProgress: (current) =>
            process.stderr.write(`redrive: ${current.processed} processed, ${current.delivered} delivered, ${current.stillFailing} still failing\n`),
        },
        process.env,
      );
      write(values.json ? JSON.stringify(progress, null, 2) : formatRedrive(progress, dryRun));
      return progress.stillFailing > 0 && !dryRun ? 1 : 0;
    }
    case 'purge': {
      if (!values.yes) throw new UsageError('dlq purge deletes every message; add --yes to confirm');
      const count = await purge(resolveDeadLetterQueue());
      write(`Purge started for about ${count} message(s); SQS may take up to 60 seconds to finish it.`);
      return 0;
    }
    default:
      throw new UsageError(`Unknown dlq command: ${subcommand ?? '(none)'}`);
  }
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
