import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { toWellFormed } from '../../lib/transform/text';

/**
 * Renders the published webhook template the way Branch's FreeMarker would, for the constructs the
 * template uses: `${(path?builtins)!}` with `url('UTF-8')`, `json_string` and `join(',')`, and
 * `<#if (path)??><#if path>1<#else>0</#if></#if>`. The data model is a current-format body, with
 * link data keys spelled `tilde_`, `dollar_` and `plus_` as in Branch's model. Numbers are formatted
 * as FreeMarker's default number format does under an English locale: grouped, at most 3 decimals.
 */
export function renderBranchTemplate(template: string, bodyJson: string): string {
  const model = toBranchModel(parseLossless(bodyJson) as Model);
  const withFlags = template.replace(
    /<#if \(([^)]+)\)\?\?><#if ([^>]+)>1<#else>0<\/#if><\/#if>/g,
    (_match, path: string) => {
      const value = lookup(model, path);
      if (value === undefined) return '';
      if (typeof value !== 'boolean') throw new Error(`FreeMarker: ${path} is not a boolean`);
      return value ? '1' : '0';
    },
  );
  return withFlags.replace(/\$\{\((.+?)\)!\}/g, (_match, expression: string) => renderExpression(model, expression));
}

type Model = unknown;

function renderExpression(model: Model, expression: string): string {
  const [path, ...builtins] = splitBuiltins(expression);
  let value = lookup(model, path!);
  if (value === undefined) return '';
  for (const builtin of builtins) value = applyBuiltin(value, builtin);
  return formatScalar(value);
}

function applyBuiltin(value: unknown, builtin: string): unknown {
  if (builtin === "join(',')") {
    if (!Array.isArray(value)) throw new Error('FreeMarker: ?join needs a sequence');
    return value.map(formatScalar).join(',');
  }
  const text = formatScalar(value);
  if (builtin === "url('UTF-8')") return encodeURIComponent(toWellFormed(text));
  if (builtin === 'json_string') return JSON.stringify(text).slice(1, -1);
  throw new Error(`FreeMarker subset: unsupported built-in ?${builtin}`);
}

function formatScalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isLosslessNumber(value)) return groupDigits(value.toString());
  if (typeof value === 'number') return groupDigits(String(value));
  throw new Error(`FreeMarker: cannot print ${JSON.stringify(value)} without ?c or a boolean format`);
}

// FreeMarker's default number format is Java's "#,##0.###".
function groupDigits(token: string): string {
  const rounded = /[.eE]/.test(token) ? String(Math.round(Number(token) * 1000) / 1000) : token;
  const [integer = '', fraction] = rounded.split('.');
  const grouped = integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function splitBuiltins(expression: string): string[] {
  return expression.split(/\?(?=[a-z_]+)/);
}

// Reads `a.b` or `a['key']` from the model; missing and null values are undefined.
function lookup(model: Model, path: string): unknown {
  const segments = [...path.matchAll(/([A-Za-z_$][\w$]*)|\['([^']*)'\]/g)].map((match) => match[1] ?? match[2]!);
  let current: unknown = model;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current === null ? undefined : current;
}

const LINK_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['~', 'tilde_'],
  ['$', 'dollar_'],
  ['+', 'plus_'],
];

function toBranchModel(body: Model): Model {
  if (typeof body !== 'object' || body === null) return body;
  const link = (body as Record<string, unknown>).last_attributed_touch_data;
  if (typeof link !== 'object' || link === null) return body;
  const renamed = Object.fromEntries(
    Object.entries(link).map(([key, value]) => {
      const prefix = LINK_PREFIXES.find(([symbol]) => key.startsWith(symbol));
      return [prefix === undefined ? key : prefix[1] + key.slice(1), value];
    }),
  );
  return { ...body, last_attributed_touch_data: renamed };
}
