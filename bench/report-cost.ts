import { ASSUMPTIONS, estimateMonthlyCost, ONE_VCPU_MEMORY_MB, ONE_VCPU_SOURCE, PRICES, type CostInputs } from './cost-model';
import { ms, renderTable, usd } from './report-format';
import { formatNumber } from './stats';

/** Volumes of the cost table, in webhooks a month. */
export const COST_VOLUMES = [1e6, 1e7, 1e8];

/** Renders section 6: the monthly cost estimate with its assumptions and prices. */
export function renderCostSection(inputs: CostInputs): string {
  const deployed = { memoryMb: ASSUMPTIONS.memoryMb, mixpanelLatencyMs: ASSUMPTIONS.mixpanelLatencyMs };
  const rows = COST_VOLUMES.map((volume) => estimateMonthlyCost(volume, inputs, deployed));
  const alternative = (memoryMb: number, mixpanelLatencyMs: number) =>
    COST_VOLUMES.map((volume) => usd(estimateMonthlyCost(volume, inputs, { memoryMb, mixpanelLatencyMs }).totalUsd));

  return [
    '## 6. Cost model (estimate)',
    '',
    `An estimate, not a bill. It takes the CPU time the handler's process spends per warm webhook (p50, ${ms(inputs.handlerCpuMs)} of one core here, section 3) and the cold start (${ms(inputs.coldStartMs)}: loading above the empty handler plus the first invocation's set-up). It scales both to the CPU share of the memory size (one vCPU at ${formatNumber(ONE_VCPU_MEMORY_MB)} MB, [Lambda docs](${ONE_VCPU_SOURCE})) and adds the wait for Mixpanel as wall time. It assumes a vCPU of an arm64 Lambda is as fast as one core of this machine.`,
    '',
    'Assumptions:',
    '',
    `- Region ${ASSUMPTIONS.region}, ${ASSUMPTIONS.architecture}, ${ASSUMPTIONS.memoryMb} MB for both functions (as in \`serverless.yml\`), on-demand list prices, no free tier, no Savings Plans.`,
    `- Per webhook: ${ASSUMPTIONS.requestsPerWebhook} HTTP API request (bodies are far below the 512 KB metering step) and ${ASSUMPTIONS.requestsPerWebhook} webhook invocation.`,
    `- Mixpanel responds to \`/import\` in ${ASSUMPTIONS.mixpanelLatencyMs} ms from ${ASSUMPTIONS.region}. This is a guess that dominates the duration, so a second table varies it.`,
    `- ${formatNumber(ASSUMPTIONS.retryShare * 100)}% of webhooks fail transiently and pass through the retry queue once: ${ASSUMPTIONS.sqsRequestsPerRetry} SQS requests (send, receive, delete, each under 64 KB) and one more full invocation, although the retry consumer shares an invocation among up to 100 requests.`,
    `- ${formatNumber(ASSUMPTIONS.coldStartShare * 100)}% of invocations are cold. Lambda bills the initialisation code too.`,
    "- Not counted: CloudWatch Logs, data transfer, and the empty receives of Lambda's pollers on the idle retry queue.",
    '',
    renderTable(
      ['Price', 'Source'],
      Object.values(PRICES).map((price) => [`$${price.usd} ${price.unit}`, `<${price.source}>`]),
    ),
    '',
    'Prices come from stored copies of these pages, looked up for this page. Check them before relying on the totals.',
    '',
    renderTable(
      ['Webhooks a month', 'Billed ms per invocation', 'Lambda requests', 'Lambda duration', 'HTTP API', 'SQS', 'Total a month'],
      rows.map((row) => [
        formatNumber(row.webhooks),
        formatNumber(row.billedMsPerWebhook),
        usd(row.lambdaRequestsUsd),
        usd(row.lambdaDurationUsd),
        usd(row.httpApiUsd),
        usd(row.sqsUsd),
        usd(row.totalUsd),
      ]),
    ),
    '',
    renderTable(
      ['Total a month with', ...COST_VOLUMES.map((volume) => `${formatNumber(volume)} webhooks`)],
      [
        [`${ASSUMPTIONS.memoryMb} MB, Mixpanel ${ASSUMPTIONS.mixpanelLatencyMs} ms (above)`, ...rows.map((row) => usd(row.totalUsd))],
        [`128 MB, Mixpanel ${ASSUMPTIONS.mixpanelLatencyMs} ms`, ...alternative(128, ASSUMPTIONS.mixpanelLatencyMs)],
        [`${ASSUMPTIONS.memoryMb} MB, Mixpanel 300 ms`, ...alternative(ASSUMPTIONS.memoryMb, 300)],
      ],
    ),
    '',
    describeCostDrivers(inputs, rows[0]!),
  ].join('\n');
}

// Names the largest line and how much of the billed duration is the handler's own CPU time.
function describeCostDrivers(inputs: CostInputs, row: ReturnType<typeof estimateMonthlyCost>): string {
  const lines: Array<[string, number]> = [
    ['HTTP API requests', row.httpApiUsd],
    ['Lambda duration', row.lambdaDurationUsd],
    ['Lambda requests', row.lambdaRequestsUsd],
    ['SQS', row.sqsUsd],
  ];
  const [largest] = [...lines].sort((a, b) => b[1] - a[1])[0]!;
  const handlerMs = (inputs.handlerCpuMs * ONE_VCPU_MEMORY_MB) / ASSUMPTIONS.memoryMb;
  return `With these assumptions the largest line is ${largest}. Of the ${formatNumber(row.billedMsPerWebhook)} ms billed per invocation, the handler's own CPU time at ${ASSUMPTIONS.memoryMb} MB is about ${ms(handlerMs)}, and the rest is the wait for Mixpanel.`;
}
