/** Median and spread of one quantity over repeated runs. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Number of runs. */
  runs: number;
}

/** Returns the median, which is the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('Cannot take the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Returns the nearest-rank quantile `q` (0 < q <= 1), so p99 of 1000 samples is the 990th smallest. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('Cannot take a quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

/** Summarises one quantity measured once per run. */
export function summarize(values: readonly number[]): Summary {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

/** Formats a number with a fixed count of decimals and thousands separators. */
export function formatNumber(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Formats a summary as `median (min–max, n runs)`, or `value (1 run)`. */
export function formatSummary(summary: Summary, decimals = 0, unit = ''): string {
  const suffix = unit === '' ? '' : ` ${unit}`;
  const value = `${formatNumber(summary.median, decimals)}${suffix}`;
  if (summary.runs === 1) return `${value} (1 run)`;
  return `${value} (${formatNumber(summary.min, decimals)}–${formatNumber(summary.max, decimals)}, ${summary.runs} runs)`;
}
