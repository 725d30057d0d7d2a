import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { createRequire } from 'node:module';
import { readPeakRssMiB, runChildWork } from './child-io';
import { buildApiGatewayEvent, buildLambdaContext } from './lambda-events';

/** Input of the module initialisation child. */
export interface InitInput {
  handlerFile: string;
}

/** Result of one fresh process loading a handler. */
export interface InitOutput {
  /** Time to `require` the handler file: loading, compiling and running its top-level code. */
  requireMs: number;
  /** Time of the first invocation, which builds the runtime (configuration, clients) on first use. */
  firstInvocationMs: number;
  /** Time of the second invocation, for comparison. */
  secondInvocationMs: number;
  statusCode: number;
  /** Time from process start until the handler was ready, including Node's own start-up. */
  readyAfterMs: number;
  peakRssMiB: number;
}

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<{ statusCode: number }>;

/**
 * Loads a handler in this fresh process and invokes it twice with a wrong webhook secret. The
 * handler builds its runtime before it checks the secret, so the first invocation includes that
 * set-up, and the 401 path calls neither Mixpanel nor SQS.
 */
async function measure(input: InitInput): Promise<InitOutput> {
  const load = createRequire(__filename);
  const startedAt = performance.now();
  const { handler } = load(input.handlerFile) as { handler: Handler };
  const requireMs = performance.now() - startedAt;
  const readyAfterMs = performance.now();

  const invoke = async (index: number): Promise<{ ms: number; statusCode: number }> => {
    const requestId = `bench-init-${index}`;
    const invokedAt = performance.now();
    const response = await handler(buildApiGatewayEvent('{}', 'wrong-secret', requestId), buildLambdaContext(requestId));
    return { ms: performance.now() - invokedAt, statusCode: response.statusCode };
  };
  const first = await invoke(1);
  const second = await invoke(2);

  return {
    requireMs,
    firstInvocationMs: first.ms,
    secondInvocationMs: second.ms,
    statusCode: first.statusCode,
    readyAfterMs,
    peakRssMiB: readPeakRssMiB(),
  };
}

runChildWork(measure);
