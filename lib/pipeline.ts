import { parseBranchBody } from './branch/parse';
import type { Config } from './config';
import { InvalidBodyError, MixpanelRejectedError, MixpanelUnavailableError, PipelineError } from './errors';
import { logger } from './logger';
import type { ImportOptions } from './mixpanel/import-client';
import type { ImportOutcome } from './mixpanel/outcome';
import { readCapturedBody, type CapturedRequest, type RequestFailure } from './queue/captured-request';
import type { RequestQueue } from './queue/request-queue';
import { transformBranchEvent, type TransformResult } from './transform/transform';
import type { MixpanelEvent } from './transform/mixpanel-event';

/** Anything that imports events into Mixpanel and reports one outcome per event. */
export interface EventImporter {
  importEvents(events: readonly MixpanelEvent[], options?: ImportOptions): Promise<ImportOutcome[]>;
}

/** What the pipeline needs from the outside world. */
export interface PipelineDependencies {
  config: Config;
  importer: EventImporter;
  deadLetterQueue: RequestQueue;
  now?: () => number;
}

/** How one captured request ended. */
export type PipelineResult =
  | { status: 'imported'; event: MixpanelEvent; warnings: string[] }
  | { status: 'dead_lettered'; failure: RequestFailure; event?: MixpanelEvent };

/**
 * Parses and transforms a captured request into its Mixpanel event. Pure apart from reading the
 * captured request, so the webhook, the retry consumer and the CLI all get the same event.
 *
 * @throws PipelineError when the body cannot be read or mapped.
 */
export function prepareEvent(captured: CapturedRequest, config: Config): TransformResult {
  const body = readCapturedBody(captured);
  if (body === undefined) throw new InvalidBodyError('invalid_body', 'Request body is not UTF-8 text');

  const branchEvent = parseBranchBody(body);
  return transformBranchEvent(branchEvent, {
    mapping: config.mapping,
    projectToken: config.mixpanel.projectToken,
    receivedAt: Date.parse(captured.received_at),
    requestId: captured.request_id,
  });
}

/**
 * Runs one captured request through parse, transform and import. A request that is not imported
 * is sent to the dead-letter queue with its failure before this returns.
 *
 * @throws QueueSendError when the dead-letter queue does not take a failed request; the caller
 *   must then keep the request some other way.
 */
export async function processRequest(
  captured: CapturedRequest,
  dependencies: PipelineDependencies,
  options: ImportOptions = {},
): Promise<PipelineResult> {
  const now = dependencies.now ?? Date.now;
  captured.attempts += 1;

  let prepared: TransformResult;
  try {
    prepared = prepareEvent(captured, dependencies.config);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    return deadLetter(captured, describeFailure(error, now()), dependencies);
  }
  for (const warning of prepared.warnings) {
    logger.warn(warning, { request_id: captured.request_id, branch_event: prepared.event.event });
  }

  const [outcome] = await dependencies.importer.importEvents([prepared.event], options);
  if (outcome?.status === 'delivered') return { status: 'imported', event: prepared.event, warnings: prepared.warnings };

  const failure = describeOutcomeFailure(outcome, now());
  failure.event_name = prepared.event.event;
  return deadLetter(captured, failure, dependencies, prepared.event);
}

async function deadLetter(
  captured: CapturedRequest,
  failure: RequestFailure,
  dependencies: PipelineDependencies,
  event?: MixpanelEvent,
): Promise<PipelineResult> {
  captured.failure = failure;
  await dependencies.deadLetterQueue.send(captured);
  return { status: 'dead_lettered', failure, ...(event ? { event } : {}) };
}

/** Describes a pipeline error as the failure stored with a queued request. */
export function describeFailure(error: PipelineError, now: number): RequestFailure {
  const failure: RequestFailure = {
    stage: error.stage,
    permanent: error.permanent,
    reason: error.reason,
    message: error.message,
    failed_at: new Date(now).toISOString(),
  };
  if (error instanceof MixpanelRejectedError || error instanceof MixpanelUnavailableError) {
    if (error.httpStatus !== undefined) failure.http_status = error.httpStatus;
  }
  if (error instanceof MixpanelRejectedError && error.failedRecords.length > 0) failure.failed_records = error.failedRecords;
  return failure;
}

function describeOutcomeFailure(outcome: ImportOutcome | undefined, now: number): RequestFailure {
  const failedAt = new Date(now).toISOString();
  if (outcome === undefined || outcome.status === 'delivered') {
    return { stage: 'import', permanent: false, reason: 'mixpanel_no_outcome', message: 'The Mixpanel client returned no outcome', failed_at: failedAt };
  }
  const failure: RequestFailure = {
    stage: 'import',
    permanent: outcome.status === 'rejected',
    reason: outcome.reason,
    message: outcome.message,
    failed_at: failedAt,
  };
  if (outcome.httpStatus !== undefined) failure.http_status = outcome.httpStatus;
  if (outcome.status === 'rejected' && outcome.field !== undefined) {
    failure.failed_records = [{ index: 0, field: outcome.field, message: outcome.message }];
  }
  return failure;
}
