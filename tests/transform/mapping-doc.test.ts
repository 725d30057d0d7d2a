import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STANDARD_EVENT_NAMES } from '../../lib/branch/event-names';
import { parseBranchRequest } from '../../lib/branch/parse';
import type { JsonObject, JsonValue } from '../../lib/branch/json';
import type { MappingConfig } from '../../lib/config';
import { listOsNames } from '../../lib/transform/device';
import { PLACEHOLDER_IDS } from '../../lib/transform/identity';
import {
  CURRENT_FORMAT_ROWS,
  LEGACY_FORMAT_ROWS,
  LEGACY_LINK,
  TEMPLATE_ROWS,
  renderMappingTable,
  renderTemplateTable,
  type MappingRow,
} from '../../lib/transform/mapping-reference';
import { RESERVED_PROPERTY_NAMES } from '../../lib/transform/property-builder';
import { PROPERTY_GROUPS } from '../../lib/transform/property-groups';
import { transformBranchEvent } from '../../lib/transform/transform';
import type { MixpanelProperties } from '../../lib/transform/mixpanel-event';

const DOC = readFileSync(join(__dirname, '..', '..', 'docs', 'mapping.md'), 'utf8');
const mapping: MappingConfig = { eventNamePrefix: '[Branch] ', idMerge: 'simplified' };
const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');
const SAMPLE_TIME = 1717243265123;

// Returns the lines of a section, from its heading to the next heading of the same or higher level.
function section(heading: string): string[] {
  const lines = DOC.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`docs/mapping.md has no heading "${heading}"`);
  const level = heading.indexOf(' ');
  const end = lines.findIndex((line, index) => index > start && /^#+ /.test(line) && line.indexOf(' ') <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function firstTable(lines: string[]): string {
  const start = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('|'));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function backtickedNames(line: string | undefined): string[] {
  return [...(line ?? '').matchAll(/`([^`]*)`/g)].map((match) => match[1]!);
}

describe('mapping document tables', () => {
  test('current format table', () => {
    expect(firstTable(section('## Current format'))).toBe(renderMappingTable(CURRENT_FORMAT_ROWS));
  });

  test('legacy format table', () => {
    expect(firstTable(section('## Legacy format'))).toBe(renderMappingTable(LEGACY_FORMAT_ROWS));
  });

  test('flat format table', () => {
    expect(firstTable(section('## Flat format (template)'))).toBe(renderTemplateTable(TEMPLATE_ROWS));
  });

  test('OS names table', () => {
    const rows = listOsNames().map(([branch, mixpanel]) => `| \`${branch}\` | \`${mixpanel}\` |`);
    expect(firstTable(section('### OS names'))).toBe(['| Branch `os` | `$os` |', '|---|---|', ...rows].join('\n'));
  });
});

describe('mapping document lists', () => {
  test('standard event names', () => {
    const line = section('## Event names').find((text) => text.startsWith('Standard names:'));
    expect(backtickedNames(line)).toEqual([...STANDARD_EVENT_NAMES]);
  });

  test('property priority', () => {
    const items = section('### Priority').filter((line) => /^\d+\. /.test(line));
    expect(items).toEqual(PROPERTY_GROUPS.map((group, index) => `${index + 1}. ${group.description}`));
  });

  test('reserved names', () => {
    const line = section('### Reserved names').find((text) => text.startsWith('Reserved names:'));
    expect(backtickedNames(line)).toEqual([...RESERVED_PROPERTY_NAMES]);
  });

  test('placeholder ids', () => {
    const text = section('## Identity').join(' ');
    for (const id of PLACEHOLDER_IDS) {
      if (id !== '') expect([id, text.includes(`\`${id}\``)]).toEqual([id, true]);
    }
  });
});

// Sets a dotted path in a body, creating the objects on the way.
function setPath(body: JsonObject, path: string, value: JsonValue): void {
  const segments = path.split('.');
  const [first, ...rest] = segments;
  if (rest.length === 0) {
    body[first!] = value;
    return;
  }
  const child = (body[first!] ??= {}) as JsonObject;
  // Link data keys such as `~campaign` contain no dots, so the rest of the path is one key unless
  // it names a nested object (`metadata.ip`, `<link>.data.~channel`).
  if (rest[0] === 'data' && rest.length > 1) setPath(child, rest.join('.'), value);
  else if (rest.length > 1 && first !== 'last_attributed_touch_data') setPath(child, rest.join('.'), value);
  else child[rest.join('.')] = value;
}

function sampleValue(path: string): JsonValue {
  if (/timestamp$/.test(path)) return SAMPLE_TIME;
  if (path === 'content_items') return [{ $sku: 'sample-value' }];
  if (path === 'attributed' || path.endsWith('referred')) return true;
  if (path.endsWith('revenue') || path.endsWith('revenue_in_usd')) return 12.5;
  if (/~tags$|\.tags$/.test(path)) return ['t1'];
  return 'sample-value';
}

function propertiesOf(body: JsonObject): MixpanelProperties {
  const event = parseBranchRequest({ method: 'POST', body: JSON.stringify(body) });
  return transformBranchEvent(event, { mapping, receivedAt, requestId: 'doc' }).event.properties;
}

// Checks every row against the code: each concrete Branch field, set alone on a minimal body,
// must produce the row's property. `<key>` rows are tried with the key `sample_key`.
function checkRows(rows: readonly MappingRow[], base: JsonObject, resolvePath: (path: string) => string): void {
  for (const row of rows) {
    if (row.property === 'event') continue;
    for (const source of row.sources) {
      const path = resolvePath(source.replace('<key>', 'sample_key'));
      const body = structuredClone(base);
      // The legacy time is ISO-8601.
      setPath(body, path, path === 'event_timestamp' && 'event' in base ? new Date(SAMPLE_TIME).toISOString() : sampleValue(path));
      const property = row.property.replace('<key>', 'sample_key');
      expect([source, property, property in propertiesOf(body)]).toEqual([source, property, true]);
    }
  }
}

describe('mapping document rows match the code', () => {
  test('current format rows', () => {
    checkRows(CURRENT_FORMAT_ROWS, { name: 'sample_event' }, (path) => path);
  });

  test('legacy format rows', () => {
    checkRows(LEGACY_FORMAT_ROWS, { event: 'sample_event' }, (path) => path.replace(LEGACY_LINK, 'session_referring_link_data'));
  });

  test('flat format rows', () => {
    const baseline = flatProperties({ name: 'sample_event' });
    for (const row of TEMPLATE_ROWS) {
      if (row.key === 'name') continue;
      const properties = flatProperties({ name: 'sample_event', [row.key]: flatSample(row.type) });

      const added = Object.keys(properties).filter((key) => !(key in baseline)).sort();
      const listedNew = row.properties.filter((property) => !(property in baseline)).sort();
      expect([row.key, added]).toEqual([row.key, listedNew]);
      for (const property of row.properties) expect([row.key, property, property in properties]).toEqual([row.key, property, true]);
    }
  });
});

function flatSample(type: string): string {
  if (type === 'integer') return String(SAMPLE_TIME);
  if (type === 'boolean') return '1';
  if (type === 'number') return '12.5';
  return 'sample-value';
}

function flatProperties(query: Record<string, string>): MixpanelProperties {
  const event = parseBranchRequest({ method: 'GET', body: '', query });
  return transformBranchEvent(event, { mapping, receivedAt, requestId: 'doc' }).event.properties;
}
