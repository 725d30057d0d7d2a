import type { ColdStartBenchmark } from './cold-start';
import { BUNDLE_TARGET_BYTES, INIT_TARGET_MS, PACKAGE_COMMAND } from './cold-start';
import type { ImportBenchmark } from './import-path';
import { REQUEST_TARGET_RATIO } from './import-path';
import { CAPPED_OLD_SPACE_MIB, MEMORY_TARGET_MIB, type MemoryBenchmark, type MemoryWorkload } from './memory';
import { kilobytes, ms, msSummary, renderTable, times, verdict } from './report-format';
import { formatNumber, formatSummary } from './stats';
import { TRANSFORM_TARGET_RATIO, type TransformBenchmark } from './transform-throughput';
import { WEBHOOK_P99_TARGET_MS, type WebhookBenchmark } from './webhook-overhead';

/** Renders section 1: transform throughput against the JSON floor, with the profile. */
export function renderTransformSection(result: TransformBenchmark): string {
  const eventsPerSecond = (summary: { median: number }) => formatNumber((result.eventsPerPass * 1000) / summary.median);
  const lines = [
    '## 1. Transform throughput',
    '',
    `\`parseBranchBody\` and \`transformBranchEvent\` run over the ${result.bodies} bodies of \`examples/branch/\` in turn, ${formatNumber(result.eventsPerPass)} events per pass. The floor is \`JSON.stringify(JSON.parse(body))\` of the same bodies in the same process. A 10,000-event warm-up comes first, and the passes alternate which side runs first.`,
    '',
    renderTable(
      ['Work', `Time per ${formatNumber(result.eventsPerPass)} events`, 'Events/s at the median'],
      [
        ['Floor: JSON.parse + JSON.stringify', msSummary(result.floorMs), eventsPerSecond(result.floorMs)],
        ['Ours: parse + transform', msSummary(result.oursMs), eventsPerSecond(result.oursMs)],
        ['of which `parseBranchBody`', msSummary(result.parseMs), ''],
        ['of which `transformBranchEvent`', msSummary(result.transformMs), ''],
      ],
    ),
    '',
    `Ours over the floor, pass by pass: ${formatSummary(result.ratio, 2)}. Target: at most ${TRANSFORM_TARGET_RATIO}x, ${verdict(result.ratio.median <= TRANSFORM_TARGET_RATIO)}.`,
    '',
    '### Where the time goes',
    '',
    'A 20,000-event pass of our side alone runs under `node --cpu-prof`. Shares are of all samples, so the measuring loop and the collector appear too. Function names come from the bundled child, where esbuild may add a digit to a name that two modules share.',
    '',
    renderTable(
      ['Pipeline step', 'Total (self and callees)', 'Self'],
      result.steps.map((step) => [`\`${step.functionName}\``, `${formatNumber(step.totalPercent, 1)}%`, `${formatNumber(step.selfPercent, 1)}%`]),
    ),
    '',
    renderTable(
      ['Function with most self time', 'Self', 'Total'],
      result.topFunctions.map((entry) => [`\`${entry.functionName}\``, `${formatNumber(entry.selfPercent, 1)}%`, `${formatNumber(entry.totalPercent, 1)}%`]),
    ),
  ];
  if (result.ratio.median > TRANSFORM_TARGET_RATIO) {
    lines.push(
      '',
      `**Known gap.** Parse and transform take ${times(result.ratio.median)} the floor's time, above the ${TRANSFORM_TARGET_RATIO}x target. The floor parses and serialises each body once, natively. Our side does more per body by design, and the tables above show what each step costs in this run. \`parseJsonLossless\` keeps ids beyond 2^53 exact, because Branch sends 18-digit ids as bare numbers, and that takes a pass over the text before \`JSON.parse\`. \`measureJsonDepth\` bounds the nesting of the parsed value. \`applyMixpanelLimits\` measures the JSON size of property values to cut them to Mixpanel's limits. \`deriveInsertId\` serialises events without a Branch event id, such as legacy bodies, with sorted keys and hashes them. ${describeLargestStep(result)} Closing the gap needs changes in \`lib/\`, outside the benchmarks.`,
    );
  }
  return lines.join('\n');
}

// Names the costliest of the steps the pipeline adds over the floor.
function describeLargestStep(result: TransformBenchmark): string {
  const added = result.steps.filter((step) => !['parseBranchBody', 'transformBranchEvent'].includes(step.functionName));
  const largest = [...added].sort((a, b) => b.totalPercent - a.totalPercent)[0];
  if (largest === undefined) return '';
  return `The largest of them in this run is \`${largest.functionName}\`, at ${formatNumber(largest.totalPercent, 1)}% of the samples, so it is where a change would gain most.`;
}

/** Renders section 2: requests and throughput of our client and the two peer packages. */
export function renderImportSection(result: ImportBenchmark): string {
  const { ours, mixpanel } = result.contenders;
  const noNetwork = result.contenders['ours-no-network'];
  const dryRun = result.contenders['mixpanel-import-dry-run'];
  const eventsPerSecond = (summary: typeof ours.eventsPerSecond) => formatSummary(summary);
  const statuses = (record: Record<string, number>) =>
    Object.keys(record).length === 0 ? 'none' : Object.entries(record).map(([status, count]) => `${formatNumber(count)} × ${status}`).join(', ');
  const requestsMet = result.requestRatio >= REQUEST_TARGET_RATIO;
  const throughputMet = result.throughputRatioWithCompression.median >= 1;

  return [
    '## 2. Import path',
    '',
    `Each client imports the same ${formatNumber(result.eventsPerRun)} events (the corpus bodies, transformed) after a 2,000-event warm-up, in a fresh child process per run, against one local endpoint (\`startMixpanelServer\`) on 127.0.0.1 that is reset before every child. The contenders take turns in a rotating order. A guard preloaded into every child throws before any TCP connection or DNS lookup for a host other than 127.0.0.1, ::1 or localhost.`,
    '',
    renderTable(
      ['Client', 'Pointed at the endpoint by', 'Events/s (median, min–max)', 'Requests per 10,000 events', 'Endpoint responses (all runs)'],
      [
        ['Ours: `MixpanelImportClient`, default options', '`apiUrl: http://127.0.0.1:PORT`', eventsPerSecond(ours.eventsPerSecond), formatNumber(ours.requestsPer10k), statuses(ours.statuses)],
        ['Ours without network', "no endpoint: `fetch` returns Mixpanel's response to a full batch at once", eventsPerSecond(noNetwork.eventsPerSecond), 'none sent', 'none'],
        ['`mixpanel` 0.24.0, `import_batch`, 5 requests at once', "`host: '127.0.0.1:PORT'`, `protocol: 'http'`", eventsPerSecond(mixpanel.eventsPerSecond), formatNumber(mixpanel.requestsPer10k), statuses(mixpanel.statuses)],
        ['`mixpanel-import` 3.1.43, 5 workers, `dryRun: true`', 'cannot be pointed at it (see below)', eventsPerSecond(dryRun.eventsPerSecond), `${formatNumber(dryRun.requestsPer10k)} (planned by the dry run)`, 'none'],
      ],
    ),
    '',
    `- Requests: the \`mixpanel\` package sends ${times(result.requestRatio)} as many requests as ours. Target: at least ${REQUEST_TARGET_RATIO}x fewer, ${verdict(requestsMet)}. The package caps a request at 50 events, and ours sends Mixpanel's maximum of 2,000.`,
    `- Throughput: ours without network over \`mixpanel-import\`'s dry run, run by run: ${formatSummary(result.throughputRatio, 2)}. The dry run skips the serialising and gzip that its send step does before each request, which our figure includes. Timed on their own for the same events, in the same child, that step took ${msSummary(result.peerCompressMs)}. Charged that time, the ratio is ${formatSummary(result.throughputRatioWithCompression, 2)}. Target: at least 1x, ${verdict(throughputMet)} by the charged ratio, which is an estimate because the peer never runs its own send step here.`,
    `- Ours delivered ${formatNumber(ours.delivered ?? 0)} of ${formatNumber(result.eventsPerRun)} events in its last run, and the endpoint stored ${formatNumber(ours.endpointEvents)} events over all runs.`,
    '',
    '**How each peer was pointed at 127.0.0.1.** The `mixpanel` package documents `host` (which may carry the port) and `protocol`. Over plain http it rejects an API secret and service accounts for `/import`, so it authenticates with its deprecated `key` option, sent as an `api_key` query parameter. The local endpoint accepts any credentials. It posts form data with the events as base64 JSON in a `data` field, Mixpanel\'s legacy encoding, which the local endpoint decodes. The package does not ask for strict validation, so the endpoint skips it for those requests while it validates every event of ours. `mixpanel-import` documents no host, URL or port option: `region` (US, EU or IN) picks one of Mixpanel\'s hosts. It runs in its documented `dryRun` mode, which reads, batches and counts the events but neither compresses nor sends them, and it is compared with our client without network, which still serialises and gzips every batch.',
    '',
    'Checks that every run passed, or the benchmark stops:',
    '',
    ...result.checks.map((check) => `- ${check}`),
  ].join('\n');
}

/** Renders section 3: warm webhook latency minus the endpoint's time, with garbage collection figures. */
export function renderWebhookSection(result: WebhookBenchmark): string {
  const met = result.overheadP99.median <= WEBHOOK_P99_TARGET_MS;
  const lines = [
    '## 3. Webhook overhead',
    '',
    `The bundled handler from \`serverless package\` runs in a child process as a warm Lambda would, one invocation at a time. Each invocation gets an HTTP API event with a corpus body, in the environment of a deployment (log level INFO, \`--enable-source-maps\`). The local stack (embedded SQS and the local Mixpanel endpoint) runs in the parent process. After 300 warm-up webhooks come five runs of ${formatNumber(result.requestsPerRun)}. The endpoint time of a webhook is its one \`/import\` call, from \`fetch\` to the response headers, and the overhead is the handler time minus that, webhook by webhook.`,
    '',
    renderTable(
      ['Per webhook', 'p50 (median of runs, min–max)', 'p99 (median of runs, min–max)'],
      [
        ['Handler', msSummary(result.handlerP50), msSummary(result.handlerP99)],
        ['Local endpoint (`/import` round trip)', msSummary(result.endpointP50), msSummary(result.endpointP99)],
        ['Overhead: handler minus endpoint', msSummary(result.overheadP50), msSummary(result.overheadP99)],
        ['CPU time of the handler process (all threads)', msSummary(result.cpuP50), msSummary(result.cpuP99)],
        ['Overhead of webhooks that no GC pause touched', '', msSummary(result.overheadP99WithoutGc)],
      ],
    ),
    '',
    `Main-thread garbage collection: ${formatSummary(result.gcPauses)} pauses per ${formatNumber(result.requestsPerRun)} webhooks, with a median pause of ${msSummary(result.gcPauseP50)}. They touched ${formatNumber(result.gcTouchedShare.median * 100, 1)}% of the webhooks at the median run.`,
    '',
    `Target: p99 overhead at most ${WEBHOOK_P99_TARGET_MS} ms, ${verdict(met)}. The overhead includes parsing, the transform, serialising and gzip of the body, the logger's JSON lines and the client side of the HTTP request.`,
  ];
  const cause = `Garbage collection pauses of about ${ms(result.gcPauseP50.median)} land in ${formatNumber(result.gcTouchedShare.median * 100, 1)}% of the webhooks, which is enough to set the p99. Without them the p99 overhead is ${ms(result.overheadP99WithoutGc.median)}, close to the local endpoint's own p99 of ${ms(result.endpointP99.median)}, although the endpoint works for under a millisecond at p50, so that remainder is most likely scheduling on this shared 2-core machine. What keeps these minor collections this long, and which objects survive them, is not established by this benchmark.`;
  lines.push(
    '',
    met
      ? `The p50 overhead is ${ms(result.overheadP50.median)} and the p99 ${ms(result.overheadP99.median)}, with the slowest run at ${ms(result.overheadP99.max)}. ${cause}`
      : `**Known gap.** The p50 overhead is ${ms(result.overheadP50.median)}, but the p99 is ${ms(result.overheadP99.median)}. ${cause}`,
  );
  return lines.join('\n');
}

/** Renders section 4: bundle sizes and module initialisation against an empty handler. */
export function renderColdStartSection(result: ColdStartBenchmark): string {
  const sizeMet = result.webhookMinifiedBytes <= BUNDLE_TARGET_BYTES;
  const initMet = result.initAboveEmptyMs <= INIT_TARGET_MS;
  return [
    '## 4. Cold start',
    '',
    `\`${PACKAGE_COMMAND}\` builds the package with esbuild (minified, source maps, the AWS SDK left to the Lambda runtime). Fresh Node processes then load three handlers in turn, 15 processes each, with the deployment's \`--enable-source-maps\`: the webhook handler, an empty handler (\`exports.handler = async () => ...\`), and an empty handler that only requires \`@aws-sdk/client-sqs\`. The AWS SDK loads from \`node_modules\`, as the Lambda runtime loads its own copy. Each process then invokes the handler twice with a wrong secret, which builds the runtime (configuration, SQS and Mixpanel clients) without any request.`,
    '',
    renderTable(
      ['Figure', 'Value'],
      [
        ['`handlers/webhook.js`, minified', kilobytes(result.webhookMinifiedBytes)],
        ['`handlers/webhook.js`, deflated in the zip', kilobytes(result.webhookZippedBytes)],
        ['Whole zip (both handlers and their source maps)', kilobytes(result.packageBytes)],
        ['Load the bundle (`require`)', msSummary(result.bundleRequireMs)],
        ['Load the empty handler', msSummary(result.emptyRequireMs)],
        ['Load an empty handler that only requires `@aws-sdk/client-sqs`', msSummary(result.sdkOnlyRequireMs)],
        ['Bundle above the empty handler (medians)', ms(result.initAboveEmptyMs)],
        ['First invocation (builds the runtime)', msSummary(result.firstInvocationMs)],
        ['Second invocation', msSummary(result.secondInvocationMs)],
        ['Process start to handler ready, bundle', msSummary(result.bundleReadyAfterMs)],
        ['Process start to handler ready, empty', msSummary(result.emptyReadyAfterMs)],
      ],
    ),
    '',
    `Targets: at most 150 KB minified (read as ${formatNumber(BUNDLE_TARGET_BYTES)} bytes), ${verdict(sizeMet)}. Loading at most ${INIT_TARGET_MS} ms above the empty handler, ${verdict(initMet)}. The first invocation's set-up is not part of module loading, but Lambda bills it with the first request.`,
    ...(initMet
      ? []
      : [
          '',
          `**Known gap.** Loading the bundle takes ${ms(result.initAboveEmptyMs)} more than the empty handler. Loading \`@aws-sdk/client-sqs\` on its own takes ${ms(result.sdkOnlyRequireMs.median - result.emptyRequireMs.median)} of that, at the medians. The bundle leaves the SDK out because the Lambda runtime provides it, but the handler still loads it at start-up, although a webhook that is imported never calls SQS. Loading the SQS client on first use, when a request must be queued, would take it off the cold start of the common path and add that time to the first failed webhook of an execution environment instead.`,
        ]),
  ].join('\n');
}

/** Renders section 5: peak RSS of the import and redrive workloads. */
export function renderMemorySection(result: MemoryBenchmark, emptyPeakRssMiB: number): string {
  const mib = (summary: MemoryWorkload['peakRssMiB']) => formatSummary(summary, 1, 'MiB');
  const row = (name: string, workload: MemoryWorkload, judged: boolean) => [
    name,
    mib(workload.peakRssMiB),
    mib(workload.startRssMiB),
    mib(workload.peakHeapTotalMiB),
    mib(workload.peakExternalMiB),
    msSummary(workload.ms),
    judged ? verdict(workload.peakRssMiB.max < MEMORY_TARGET_MIB) : '',
  ];
  const redriveMet = result.redrive.peakRssMiB.max < MEMORY_TARGET_MIB;
  const lines = [
    '## 5. Memory',
    '',
    `Peak RSS (\`VmHWM\` in \`/proc/self/status\`) of a fresh child process per run. The import child transforms ${formatNumber(result.importBatch.items)} corpus events and imports them with one \`importEvents\` call. The redrive child runs \`redriveDeadLetters\` over ${formatNumber(result.redrive.items)} dead-lettered requests, with the SQS client the functions use. The local endpoint and the embedded SQS server run in the parent process, so their memory is not counted. An empty Node process that loads the empty handler peaks at ${formatNumber(emptyPeakRssMiB, 1)} MiB on this machine. The V8 heap and external memory are sampled every 25 ms.`,
    '',
    renderTable(
      ['Workload', 'Peak RSS', 'RSS after loading the modules', 'Peak V8 heap', 'Peak external', 'Duration', `Under ${MEMORY_TARGET_MIB} MB in every run`],
      [
        row(`Import one ${formatNumber(result.importBatch.items)}-event batch`, result.importBatch, true),
        row(`Redrive ${formatNumber(result.redrive.items)} dead letters`, result.redrive, true),
        row(`The same redrive, \`--max-old-space-size=${CAPPED_OLD_SPACE_MIB}\``, result.redriveCappedHeap, false),
      ],
    ),
    '',
    `The target compares the peak in MiB with Lambda's smallest memory size, ${MEMORY_TARGET_MIB} MB. Lambda's own runtime process differs from \`node\` here, so the margin matters more than the last MiB.`,
  ];
  if (!redriveMet) {
    lines.push(
      '',
      `**Known gap.** The redrive peaks at ${formatNumber(result.redrive.peakRssMiB.median, 1)} MiB. About ${formatNumber(result.redrive.startRssMiB.median, 0)} MiB of it is there before any work: Node itself and the loaded modules, the AWS SDK among them. The V8 heap then grows to ${formatNumber(result.redrive.peakHeapTotalMiB.median, 0)} MiB because V8 collects lazily while memory is free. With the old generation capped at ${CAPPED_OLD_SPACE_MIB} MiB the same redrive still completes, in ${ms(result.redriveCappedHeap.ms.median)}, and peaks at ${formatNumber(result.redriveCappedHeap.peakRssMiB.median, 1)} MiB, so most of the default peak is garbage not yet collected, which a heap limit makes V8 collect sooner. The redrive works in chunks of 100 messages, the default of \`redriveDeadLetters\`. Today only the CLI (\`dlq redrive\`) runs a redrive, on the operator's machine, so no function of the deployment reaches this peak; a redrive inside a ${MEMORY_TARGET_MIB} MB function would need its heap limited as in the capped run.`,
    );
  }
  return lines.join('\n');
}
