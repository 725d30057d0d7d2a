import { BUNDLE_TARGET_BYTES, INIT_TARGET_MS, type ColdStartBenchmark } from './cold-start';
import { estimateMonthlyCost, ASSUMPTIONS, type CostInputs } from './cost-model';
import { REQUEST_TARGET_RATIO, type ImportBenchmark } from './import-path';
import type { MachineInfo } from './machine';
import { MEMORY_TARGET_MIB, type MemoryBenchmark } from './memory';
import { kilobytes, ms, renderTable, times, usd, verdict } from './report-format';
import { COST_VOLUMES, renderCostSection } from './report-cost';
import {
  renderColdStartSection,
  renderImportSection,
  renderMemorySection,
  renderTransformSection,
  renderWebhookSection,
} from './report-sections';
import { formatNumber } from './stats';
import { TRANSFORM_TARGET_RATIO, type TransformBenchmark } from './transform-throughput';
import { WEBHOOK_P99_TARGET_MS, type WebhookBenchmark } from './webhook-overhead';

/** Everything one `npm run bench` measured. */
export interface BenchmarkResults {
  machine: MachineInfo;
  runSeconds: number;
  transform: TransformBenchmark;
  importPath: ImportBenchmark;
  webhook: WebhookBenchmark;
  coldStart: ColdStartBenchmark;
  memory: MemoryBenchmark;
}

/** Takes the cost model's inputs from the measurements. */
export function readCostInputs(results: Pick<BenchmarkResults, 'webhook' | 'coldStart'>): CostInputs {
  return {
    handlerCpuMs: results.webhook.cpuP50.median,
    coldStartMs: Math.max(0, results.coldStart.initAboveEmptyMs) + results.coldStart.firstInvocationMs.median,
  };
}

/** Renders `docs/benchmarks.md`. */
export function renderReport(results: BenchmarkResults): string {
  const { machine } = results;
  const minutes = Math.floor(results.runSeconds / 60);
  const seconds = Math.round(results.runSeconds % 60);
  return [
    '# Benchmarks',
    '',
    'Speed, request count, latency, start-up, memory and cost of the webhook pipeline, each against a floor or a peer measured in the same run. `npm run bench` runs them all and rewrites this page. Every figure below comes from one run on the machine listed, and each ratio divides figures of that run. The machine is shared, so each figure is a median over repeated runs, with the smallest and largest run beside it.',
    '',
    renderTable(
      ['Run', ''],
      [
        ['Command', '`npm run bench`'],
        ['Date', machine.startedAt],
        ['Machine', `${machine.cores} cores (${machine.cpuModel}), ${formatNumber(machine.memoryGiB, 1)} GiB memory`],
        ['Node.js', machine.nodeVersion],
        ['OS', machine.os],
        ['Load average (1 min) at start', formatNumber(machine.loadAverageAtStart, 2)],
        ['Run time of `npm run bench`', `${minutes} min ${seconds} s`],
      ],
    ),
    '',
    '## Summary',
    '',
    renderSummary(results),
    '',
    renderTransformSection(results.transform),
    '',
    renderImportSection(results.importPath),
    '',
    renderWebhookSection(results.webhook),
    '',
    renderColdStartSection(results.coldStart),
    '',
    renderMemorySection(results.memory, results.coldStart.emptyPeakRssMiB.median),
    '',
    renderCostSection(readCostInputs(results)),
    '',
  ].join('\n');
}

function renderSummary(results: BenchmarkResults): string {
  const { transform, importPath, webhook, coldStart, memory } = results;
  const costs = COST_VOLUMES.map((volume) =>
    estimateMonthlyCost(volume, readCostInputs(results), { memoryMb: ASSUMPTIONS.memoryMb, mixpanelLatencyMs: ASSUMPTIONS.mixpanelLatencyMs }),
  );
  const ours = importPath.contenders.ours;
  const noNetwork = importPath.contenders['ours-no-network'];
  const dryRun = importPath.contenders['mixpanel-import-dry-run'];

  return renderTable(
    ['Benchmark', 'Measured (median)', 'Floor or peer (median)', 'Ratio', 'Target', 'Result'],
    [
      [
        '1. Transform, 100,000 events',
        ms(transform.oursMs.median),
        `JSON.parse + JSON.stringify: ${ms(transform.floorMs.median)}`,
        times(transform.ratio.median),
        `at most ${TRANSFORM_TARGET_RATIO}x the floor`,
        verdict(transform.ratio.median <= TRANSFORM_TARGET_RATIO),
      ],
      [
        '2. Import: requests per 10,000 events',
        formatNumber(ours.requestsPer10k),
        `\`mixpanel\`: ${formatNumber(importPath.contenders.mixpanel.requestsPer10k)}`,
        `${times(importPath.requestRatio)} fewer`,
        `at least ${REQUEST_TARGET_RATIO}x fewer`,
        verdict(importPath.requestRatio >= REQUEST_TARGET_RATIO),
      ],
      [
        '2. Import: events/s without network',
        formatNumber(noNetwork.eventsPerSecond.median),
        `\`mixpanel-import\` dry run: ${formatNumber(dryRun.eventsPerSecond.median)}`,
        `${times(importPath.throughputRatioWithCompression.median)} with the peer's gzip counted, ${times(importPath.throughputRatio.median)} without`,
        'at least 1x (no lower)',
        `${verdict(importPath.throughputRatioWithCompression.median >= 1)} (estimate)`,
      ],
      [
        '2. Import: events/s to the local endpoint',
        formatNumber(ours.eventsPerSecond.median),
        `\`mixpanel\`: ${formatNumber(importPath.contenders.mixpanel.eventsPerSecond.median)}`,
        times(ours.eventsPerSecond.median / importPath.contenders.mixpanel.eventsPerSecond.median),
        '',
        '',
      ],
      [
        '3. Webhook overhead, p99',
        ms(webhook.overheadP99.median),
        `endpoint p99: ${ms(webhook.endpointP99.median)}`,
        '',
        `at most ${WEBHOOK_P99_TARGET_MS} ms`,
        verdict(webhook.overheadP99.median <= WEBHOOK_P99_TARGET_MS),
      ],
      ['3. Webhook overhead, p50', ms(webhook.overheadP50.median), `endpoint p50: ${ms(webhook.endpointP50.median)}`, '', '', ''],
      ['4. Bundle, minified', kilobytes(coldStart.webhookMinifiedBytes), '', '', 'at most 150 KB', verdict(coldStart.webhookMinifiedBytes <= BUNDLE_TARGET_BYTES)],
      [
        '4. Module initialisation',
        ms(coldStart.bundleRequireMs.median),
        `empty handler: ${ms(coldStart.emptyRequireMs.median)}`,
        `+${ms(coldStart.initAboveEmptyMs)}`,
        `at most +${INIT_TARGET_MS} ms`,
        verdict(coldStart.initAboveEmptyMs <= INIT_TARGET_MS),
      ],
      [
        '5. Peak RSS, import of 2,000 events',
        `${formatNumber(memory.importBatch.peakRssMiB.median, 1)} MiB`,
        '',
        '',
        `under ${MEMORY_TARGET_MIB} MB`,
        verdict(memory.importBatch.peakRssMiB.max < MEMORY_TARGET_MIB),
      ],
      [
        '5. Peak RSS, redrive of 10,000',
        `${formatNumber(memory.redrive.peakRssMiB.median, 1)} MiB`,
        '',
        '',
        `under ${MEMORY_TARGET_MIB} MB`,
        verdict(memory.redrive.peakRssMiB.max < MEMORY_TARGET_MIB),
      ],
      ['6. Cost a month (estimate)', COST_VOLUMES.map((volume, index) => `${formatNumber(volume / 1e6)}M: ${usd(costs[index]!.totalUsd)}`).join(', '), '', '', '', ''],
    ],
  );
}
