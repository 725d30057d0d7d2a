import { parseBranchRequest } from './branch/parse';
import type { Config } from './config';
import { InvalidBodyError, MixpanelRejectedError, MixpanelUnavailableError, type PipelineError } from './errors';
import type { ImportOptions } from './mixpanel/import-client';
import type { ImportOutcome } from './mixpanel/outcome';
import { readCapturedBody, type CapturedRequest, type RequestFailure } from './queue/captured-request';
import { transformBranchEvent, type TransformResult } from './transform/transform';
import type { MixpanelEvent } from './transform/mixpanel-event';

/** Anything that imports events into Mixpanel and reports one outcome per event. */
export interface EventImporter {
  importEvents(events: readonly MixpanelEvent[], options?: ImportOptions): Promise<ImportOutcome[]>;
}

/**
 * Parses and transforms a captured request into its Mixpanel event. Pure apart from reading the
 * captured request, so the webhook, the retry consumer and the CLI all get the same event. The
 * method, content type and query go to the parser too, because the template's GET webhooks carry
 * the event in the query string and its POST webhooks may send form data.
 *
 * @throws PipelineError when the body cannot be read or mapped.
 */
export function prepareEvent(captured: CapturedRequest, config: Config): TransformResult {
  const body = readCapturedBody(captured);
  if (body === undefined) throw new InvalidBodyError('invalid_body', 'Request body is not UTF-8 text');

  const branchEvent = parseBranchRequest({
    method: captured.method,
    body,
    contentType: captured.headers['content-type'],
    query: captured.query,
  });
  return transformBranchEvent(branchEvent, {
    mapping: config.mapping,
    projectToken: config.mixpanel.projectToken,
    receivedAt: Date.parse(captured.received_at),
    requestId: captured.request_id,
  });
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
