import { TEMPLATE_FIELDS, toFreemarkerPath, type TemplateField } from './template-fields';

/**
 * Place of the template in Branch's webhook setup: the query string of a GET URL, a POST body of
 * form data, or a POST body of flat JSON.
 */
export type TemplateVariant = 'query' | 'form' | 'json';

/**
 * Renders the FreeMarker template that makes Branch send an event in the flat format, one entry
 * per key of `TEMPLATE_FIELDS`. Every value expression ends in `!`, so a field Branch lacks renders
 * as an empty value instead of failing the template. Values are escaped with `?url('UTF-8')` for
 * the query string and form body, and with `?json_string` for JSON. Booleans use Branch's
 * documented `<#if>` form, and lists are joined with commas.
 */
export function renderWebhookTemplate(variant: TemplateVariant): string {
  const pairs = TEMPLATE_FIELDS.map((field) => renderPair(field, variant));
  switch (variant) {
    case 'query':
      return pairs.join('&');
    case 'form':
      return pairs.join('&\n');
    case 'json':
      return `{\n${pairs.map((pair) => `  ${pair}`).join(',\n')}\n}`;
  }
}

function renderPair(field: TemplateField, variant: TemplateVariant): string {
  const value = renderValue(field, variant);
  if (variant === 'json') return `${JSON.stringify(field.key)}: "${value}"`;
  return `${encodeTemplateKey(field.key)}=${value}`;
}

function renderValue(field: TemplateField, variant: TemplateVariant): string {
  const path = toFreemarkerPath(field.key);
  if (field.type === 'boolean') return `<#if (${path})??><#if ${path}>1<#else>0</#if></#if>`;

  const escape = variant === 'json' ? '?json_string' : "?url('UTF-8')";
  const join = field.type === 'list' ? "?join(',')" : '';
  return `\${(${path}${join}${escape})!}`;
}

/**
 * Percent-encodes a key for a query string or form body as FreeMarker's `?url` would, so `+` and
 * `$` survive form decoding.
 */
export function encodeTemplateKey(key: string): string {
  return encodeURIComponent(key);
}
