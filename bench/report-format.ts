import { formatNumber, formatSummary, type Summary } from './stats';

/** Renders a Markdown table. A `|` inside a cell, as in a profiled regular expression, is escaped. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const renderRow = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
  const lines = [renderRow(header), `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(renderRow(row));
  return lines.join('\n');
}

/** `met` or `missed`, in bold when missed so the page shows it at a glance. */
export function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}

/** Formats milliseconds with two decimals below 10 ms and none above. */
export function ms(value: number): string {
  return `${formatNumber(value, Math.abs(value) < 10 ? 2 : 0)} ms`;
}

/** Formats a summary of milliseconds. */
export function msSummary(summary: Summary): string {
  const decimals = Math.abs(summary.median) < 10 ? 2 : 0;
  return formatSummary(summary, decimals, 'ms');
}

/** Formats a byte count in KB (1000 bytes) with the exact count. */
export function kilobytes(bytes: number): string {
  return `${formatNumber(bytes / 1000, 1)} KB (${formatNumber(bytes)} bytes)`;
}

/** Formats a ratio such as `8.12x`. */
export function times(ratio: number): string {
  return `${formatNumber(ratio, 2)}x`;
}

/** Formats US dollars with cents, or four decimals below one dollar. */
export function usd(value: number): string {
  return `$${formatNumber(value, value < 1 ? 4 : 2)}`;
}
