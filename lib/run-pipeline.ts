import type { Config } from './config';
import { PipelineError } from './errors';
import { logger } from './logger';
import type { ImportOptions } from './mixpanel/import-client';
import type { ImportOutcome } from './mixpanel/outcome';
import { describeFailure, prepareEvent, type EventImporter } from './pipeline';
import type { CapturedRequest, RequestFailure } from './queue/captured-request';
import type { MixpanelEvent } from './transform/mixpanel-event';

/** Result of one captured request in a pipeline run. */
export type PipelineItemResult =
  | { status: 'imported'; captured: CapturedRequest; event: MixpanelEvent }
  | {
      status: 'failed';
      captured: CapturedRequest;
      /** `failure.permanent` decides whether the request belongs in the dead-letter queue or the retry queue. */
      failure: RequestFailure;
      event?: MixpanelEvent;
    };

/** Dependencies of a pipeline run. */
export interface RunDependencies {
  config: Config;
  importer: EventImporter;
  now?: () => number;
}

/**
 * Runs captured requests through parse, transform and one batched import, the same way for the
 * webhook (one request), the retry consumer and a dead-letter redrive (many). Each request's
 * `attempts` is counted and its `failure` set or cleared; nothing is queued here.
 */
export async function runPipeline(
  requests: readonly CapturedRequest[],
  dependencies: RunDependencies,
  options: ImportOptions = {},
): Promise<PipelineItemResult[]> {
  const now = dependencies.now ?? Date.now;
  const results: Array<PipelineItemResult | undefined> = new Array(requests.length);
  const pending: Array<{ index: number; event: MixpanelEvent }> = [];

  requests.forEach((captured, index) => {
    captured.attempts += 1;
    try {
      const prepared = prepareEvent(captured, dependencies.config);
      for (const warning of prepared.warnings) {
        logger.warn(warning, { request_id: captured.request_id, branch_event: prepared.event.event });
      }
      pending.push({ index, event: prepared.event });
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      results[index] = fail(captured, describeFailure(error, now()));
    }
  });

  if (pending.length > 0) {
    const outcomes = await dependencies.importer.importEvents(
      pending.map((item) => item.event),
      options,
    );
    pending.forEach(({ index, event }, position) => {
      const captured = requests[index]!;
      const outcome = outcomes[position];
      if (outcome?.status === 'delivered') {
        delete captured.failure;
        results[index] = { status: 'imported', captured, event };
        return;
      }
      const failure = describeOutcomeFailure(outcome, now());
      failure.event_name = event.event;
      results[index] = fail(captured, failure, event);
    });
  }

  return results as PipelineItemResult[];
}

function fail(captured: CapturedRequest, failure: RequestFailure, event?: MixpanelEvent): PipelineItemResult {
  captured.failure = failure;
  return { status: 'failed', captured, failure, ...(event ? { event } : {}) };
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
