import fc from 'fast-check';
import { parseJsonLossless, type JsonValue } from '../../lib/branch/json';
import { parseBranchRequest, type BranchRequest } from '../../lib/branch/parse';
import { TEMPLATE_FIELDS } from '../../lib/branch/template-fields';
import type { MappingConfig } from '../../lib/config';
import { PipelineError } from '../../lib/errors';
import { transformBranchEvent } from '../../lib/transform/transform';
import { validateImportEvent } from '../../local/mixpanel-validation';
import { listCorpus, readCorpus } from '../helpers/corpus';

const receivedAt = Date.parse('2024-07-01T00:00:00.000Z');
const corpus = listCorpus().map((name) => parseJsonLossless(readCorpus(name)));

// A marker that survives JSON.stringify and is then replaced by a bare number token, so bodies can
// carry integers beyond 2^53 the way Branch sends them.
const BIG = '\u0000BIG:';
const BIG_TOKEN = /"\\u0000BIG:(-?\d+)"/g;

function serialize(value: JsonValue): string {
  return JSON.stringify(value).replace(BIG_TOKEN, '$1');
}

const unicodeText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\uD800', '\uDFFF', '😀', 'é', '&', '#', '+', '=', '%', ' ', '"', '\\', '\u0000'), maxLength: 12 }),
  fc.string({ minLength: 250, maxLength: 400 }),
);

const timeLike = fc.oneof(
  fc.integer({ min: -1, max: 2 ** 31 }),
  fc.integer({ min: receivedAt - 10 * 365 * 86_400_000, max: receivedAt + 2 * 3_600_000 }),
  fc.integer({ min: receivedAt - 86_400_000, max: receivedAt }).map((ms) => ms * 1000),
  fc.integer({ min: receivedAt - 86_400_000, max: receivedAt }).map((ms) => `${ms}000000`),
  fc.date({ min: new Date('1960-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString()),
  fc.constantFrom('2024-06-31T00:00:00Z', '1,717,243,265,123', 'yesterday', '0', '1e12', ''),
);

const scalar: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constantFrom<JsonValue>(null, 'null', '', 'true', 'false', '1', '0', true, false, 0, -1, 'undefined', '00000000-0000-0000-0000-000000000000'),
  unicodeText,
  fc.double({ noNaN: true }),
  fc.bigInt({ min: 2n ** 53n, max: 10n ** 20n }).map((big) => `${BIG}${big}`),
  timeLike,
);

const anyValue: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(fc.oneof(unicodeText, fc.constantFrom('__proto__', 'constructor', 'time', 'mp_lib', '$insert_id')), tie('value'), {
      maxKeys: 6,
    }),
  ),
})).value;

type Mutation = { kind: 'drop' | 'set' | 'rename'; path: number[]; value: JsonValue; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('drop', 'set', 'set', 'rename'),
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  value: anyValue,
  key: fc.oneof(unicodeText, fc.constantFrom('name', 'event', 'id', 'timestamp', 'event_timestamp', 'user_data', 'metadata', '~tags', 'content_items')),
});

// Applies a mutation at the container reached by following `path` as indexes into the keys.
function mutate(root: JsonValue, change: Mutation): JsonValue {
  const copy = structuredClone(root);
  let container: JsonValue = copy;
  for (let depth = 0; depth < change.path.length; depth += 1) {
    if (typeof container !== 'object' || container === null) return copy;
    const keys = Object.keys(container);
    if (keys.length === 0) return copy;
    const key = keys[change.path[depth]! % keys.length]!;
    const child: JsonValue = (container as Record<string, JsonValue>)[key]!;
    const isLast = depth === change.path.length - 1 || typeof child !== 'object' || child === null;
    if (!isLast) {
      container = child;
      continue;
    }
    const target = container as Record<string, JsonValue>;
    if (change.kind === 'drop') delete target[key];
    else if (change.kind === 'set') target[key] = change.value;
    else {
      delete target[key];
      Object.defineProperty(target, change.key, { value: child, enumerable: true, writable: true, configurable: true });
    }
    return copy;
  }
  return copy;
}

const mappingConfig: fc.Arbitrary<MappingConfig> = fc.record({
  eventNamePrefix: fc.oneof(fc.constant('[Branch] '), unicodeText),
  idMerge: fc.constantFrom<'simplified' | 'original'>('simplified', 'original'),
  eventNameRenames: fc.constantFrom<Record<string, string>>({}, { install: 'App Installed', open: 'x'.repeat(255) }),
});

// Runs one request through parse and transform, checks the outcome and returns whether an event came out.
function checkRequest(request: BranchRequest, mapping: MappingConfig, projectToken?: string): boolean {
  let result;
  try {
    result = transformBranchEvent(parseBranchRequest(request), { mapping, projectToken, receivedAt, requestId: 'property' });
  } catch (error) {
    if (error instanceof PipelineError) return false;
    throw error;
  }
  const failure = validateImportEvent(result.event, 0, receivedAt);
  if (failure !== undefined) throw new Error(`Mixpanel would reject the event: ${failure.message}\n${JSON.stringify(result.event).slice(0, 2000)}`);
  return true;
}

// Counts how many runs produced an event, so a generator that only ever fails parsing is noticed.
class Tally {
  events = 0;
  runs = 0;

  record(produced: boolean): void {
    this.runs += 1;
    if (produced) this.events += 1;
  }
}

describe('parse and transform robustness', () => {
  test('mutated corpus bodies', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 6 }), mappingConfig, (body, changes, mapping) => {
        const mutated = changes.reduce(mutate, body);
        tally.record(checkRequest({ method: 'POST', body: serialize(mutated), contentType: 'application/json' }, mapping, 'project-token'));
      }),
      { numRuns: 1500 },
    );
    expect(tally.events).toBeGreaterThan(tally.runs / 3);
  });

  test('corpus bodies with hundreds of extra keys', () => {
    const wide = fc.dictionary(unicodeText, scalar, { minKeys: 200, maxKeys: 400 });
    const tally = new Tally();
    fc.assert(
      fc.property(fc.constantFrom(...corpus), wide, wide, mappingConfig, (body, customData, metadata, mapping) => {
        const widened = { ...(body as Record<string, JsonValue>), custom_data: customData, metadata };
        tally.record(checkRequest({ method: 'POST', body: serialize(widened) }, mapping));
      }),
      // Shrinking hundreds of keys takes minutes, so a failure is reported as found.
      { numRuns: 30, endOnFailure: true },
    );
    expect(tally.events).toBeGreaterThan(tally.runs / 2);
  });

  test('flat query strings and form bodies', () => {
    const templateKey = fc.constantFrom(...TEMPLATE_FIELDS.map((field) => field.key));
    const fields = fc.dictionary(fc.oneof(templateKey, templateKey, unicodeText), fc.oneof(unicodeText, timeLike.map(String)), { maxKeys: 25 });
    const tally = new Tally();
    fc.assert(
      fc.property(fields, fc.option(unicodeText), fc.boolean(), mappingConfig, (query, name, asForm, mapping) => {
        const withName = name === null ? query : { ...query, name };
        if (asForm) {
          const body = new URLSearchParams(Object.entries(withName)).toString();
          tally.record(checkRequest({ method: 'POST', body, contentType: 'application/x-www-form-urlencoded' }, mapping));
        } else {
          tally.record(checkRequest({ method: 'GET', body: '', query: withName }, mapping));
        }
      }),
      { numRuns: 1000 },
    );
    expect(tally.events).toBeGreaterThan(tally.runs / 4);
  });

  test('arbitrary JSON and text bodies', () => {
    const body = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      anyValue.map((value) => serialize({ name: 'open', extra: value })),
      anyValue.map((value) => serialize({ event: 'open', metadata: value, session_referring_link_data: value })),
    );
    fc.assert(
      fc.property(body, mappingConfig, (text, mapping) => {
        checkRequest({ method: 'POST', body: text }, mapping);
      }),
      { numRuns: 800 },
    );
  });
});
