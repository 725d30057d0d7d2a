/**
 * Monthly AWS cost estimate of the deployment in `serverless.yml` (HTTP API, arm64 Lambda, SQS),
 * from the measured handler overhead and cold start. It uses on-demand list prices of us-east-1
 * without free tiers. Every assumption is a named constant below, and the page prints them all.
 */

/** A price and the page it was read from. */
export interface Price {
  usd: number;
  unit: string;
  source: string;
}

/** Prices used by the estimate, from stored copies of the cited pages looked up on 2026-12-04. */
export const PRICES = {
  lambdaRequest: { usd: 0.2, unit: 'per million Lambda requests', source: 'https://aws.amazon.com/lambda/pricing/' },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'per GB-second on arm64, first 7.5 billion GB-seconds a month',
    source: 'https://cloudchipr.com/blog/aws-lambda-pricing',
  },
  httpApiRequest: {
    usd: 1.0,
    unit: 'per million HTTP API requests, first 300 million a month, metered in 512 KB increments',
    source: 'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
  },
  sqsRequest: {
    usd: 0.4,
    unit: 'per million standard-queue requests, each 64 KB chunk of payload billed as one request',
    source: 'https://cloudburn.io/blog/amazon-sqs-pricing',
  },
} satisfies Record<string, Price>;

/** Lambda gives a function the equivalent of one vCPU at 1,769 MB, and CPU in proportion below that. */
export const ONE_VCPU_MEMORY_MB = 1769;
export const ONE_VCPU_SOURCE = 'https://docs.aws.amazon.com/fr_fr/lambda/latest/dg/configuration-memory.md';

/** Assumptions of the estimate that this project cannot measure. */
export const ASSUMPTIONS = {
  region: 'us-east-1',
  architecture: 'arm64',
  /** Memory size of both functions in `serverless.yml`. */
  memoryMb: 256,
  /** Time until Mixpanel's `/import` responds to one event sent from us-east-1. An assumption, not a measurement. */
  mixpanelLatencyMs: 100,
  /** Share of webhooks that fail transiently and pass through the retry queue once. */
  retryShare: 0.01,
  /** SQS requests per retried webhook: SendMessage, ReceiveMessage and DeleteMessage, each under 64 KB. */
  sqsRequestsPerRetry: 3,
  /** Share of invocations that start a new execution environment. */
  coldStartShare: 0.01,
  /** API Gateway requests and webhook invocations per webhook. */
  requestsPerWebhook: 1,
} as const;

/** Measured inputs of the estimate. */
export interface CostInputs {
  /** CPU time of the handler's process per warm webhook at p50, all threads, in ms of one core of the benchmark machine. */
  handlerCpuMs: number;
  /** Module load plus first-invocation set-up above an empty handler, in ms of one core. */
  coldStartMs: number;
}

/** Estimated monthly cost at one volume. */
export interface CostRow {
  webhooks: number;
  billedMsPerWebhook: number;
  lambdaRequestsUsd: number;
  lambdaDurationUsd: number;
  httpApiUsd: number;
  sqsUsd: number;
  totalUsd: number;
}

/** Options that vary between the tables of the page. */
export interface CostScenario {
  memoryMb: number;
  mixpanelLatencyMs: number;
}

/**
 * Estimates the monthly cost of `webhooks` webhooks. The handler's CPU time, measured on one core
 * of the benchmark machine, is divided by the share of a vCPU that the memory size gets. The wait
 * for Mixpanel is added as wall time. Retried webhooks are charged a second full invocation,
 * although the retry consumer shares one invocation among up to 100 of them.
 */
export function estimateMonthlyCost(webhooks: number, inputs: CostInputs, scenario: CostScenario): CostRow {
  const cpuScale = ONE_VCPU_MEMORY_MB / scenario.memoryMb;
  const memoryGb = scenario.memoryMb / 1024;
  // Lambda rounds each invocation's duration up to the next millisecond.
  const billedMsPerWebhook = Math.ceil(inputs.handlerCpuMs * cpuScale + scenario.mixpanelLatencyMs);
  const invocations = webhooks * ASSUMPTIONS.requestsPerWebhook * (1 + ASSUMPTIONS.retryShare);
  const coldMs = Math.ceil(inputs.coldStartMs * cpuScale);

  const gbSeconds = (invocations * billedMsPerWebhook + webhooks * ASSUMPTIONS.coldStartShare * coldMs) / 1000 * memoryGb;
  const lambdaRequestsUsd = (invocations / 1e6) * PRICES.lambdaRequest.usd;
  const lambdaDurationUsd = gbSeconds * PRICES.lambdaArmGbSecond.usd;
  const httpApiUsd = ((webhooks * ASSUMPTIONS.requestsPerWebhook) / 1e6) * PRICES.httpApiRequest.usd;
  const sqsUsd = ((webhooks * ASSUMPTIONS.retryShare * ASSUMPTIONS.sqsRequestsPerRetry) / 1e6) * PRICES.sqsRequest.usd;

  return {
    webhooks,
    billedMsPerWebhook,
    lambdaRequestsUsd,
    lambdaDurationUsd,
    httpApiUsd,
    sqsUsd,
    totalUsd: lambdaRequestsUsd + lambdaDurationUsd + httpApiUsd + sqsUsd,
  };
}
