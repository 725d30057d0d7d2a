import { SECRET_QUERY_PARAMETER } from '../queue/captured-request';
import { parseCurrentFormat } from './current-format';
import type { BranchEvent } from './event';
import type { JsonObject, JsonValue } from './json';
import { TEMPLATE_FIELDS, TEMPLATE_GROUPS, type TemplateFieldType } from './template-fields';
import { readBoolean, removeDigitGrouping, setOwn } from './values';

const FIELD_TYPES: ReadonlyMap<string, TemplateFieldType> = new Map(TEMPLATE_FIELDS.map((field) => [field.key, field.type]));
const GROUPS: ReadonlySet<string> = new Set(TEMPLATE_GROUPS);

/**
 * Tells whether a set of keys comes from the published template: at least one is a template key
 * other than `name`, or a `<group>.<key>` key of one of the template's groups. A current-format
 * body has nested objects instead, and a legacy body neither.
 */
export function hasTemplateKeys(keys: Iterable<string>): boolean {
  const trimmed = [...keys].map((key) => key.trim());
  return trimmed.some((key) => key !== 'name' && FIELD_TYPES.has(key)) || hasGroupedKey(trimmed);
}

/** Tells whether any key is a `<group>.<key>` key of one of the template's groups. */
export function hasGroupedKey(keys: Iterable<string>): boolean {
  for (const raw of keys) {
    const key = raw.trim();
    const dot = key.indexOf('.');
    if (dot > 0 && GROUPS.has(key.slice(0, dot))) return true;
  }
  return false;
}

/**
 * Parses the key-value pairs the published template renders (from a query string, a form body or
 * a flat JSON object of strings) into the canonical event. Each template key is read with its type.
 * A `<group>.<key>` key the template lacks (such as `custom_data.plan` added by hand) is read as text
 * into that group, and any other key as a top-level field. An empty value means absent, because the
 * template renders a missing Branch field as nothing. The `secret` parameter is never read.
 *
 * @throws InvalidEventError with reason `missing_event_name` or `invalid_time`.
 */
export function parseFlatFields(fields: Readonly<Record<string, string | null>>): BranchEvent {
  const body: JsonObject = {};
  const groups = new Map<string, JsonObject>();

  for (const [rawKey, rawValue] of Object.entries(fields)) {
    const key = rawKey.trim();
    if (key === SECRET_QUERY_PARAMETER || rawValue === null || rawValue === '') continue;
    const value = convertValue(rawValue, FIELD_TYPES.get(key) ?? 'text');

    const dot = key.indexOf('.');
    const group = dot > 0 ? key.slice(0, dot) : undefined;
    if (group !== undefined && GROUPS.has(group)) {
      if (!groups.has(group)) groups.set(group, {});
      setOwn(groups.get(group)!, key.slice(dot + 1), value);
    } else if (!GROUPS.has(key)) {
      // A bare group name with a text value would hide that group's fields, so it is skipped.
      setOwn(body, key, value);
    }
  }
  for (const [group, members] of groups) body[group] = members;

  return { ...parseCurrentFormat(body), format: 'flat' };
}

function convertValue(text: string, type: TemplateFieldType): JsonValue {
  switch (type) {
    case 'text':
      return text;
    case 'id':
      return removeDigitGrouping(text);
    case 'integer': {
      const digits = removeDigitGrouping(text);
      return /^-?\d+$/.test(digits) && Number.isSafeInteger(Number(digits)) ? Number(digits) : text;
    }
    case 'number': {
      const digits = removeDigitGrouping(text);
      return /^-?\d+(\.\d+)?$/.test(digits) && Number.isFinite(Number(digits)) ? Number(digits) : text;
    }
    case 'boolean':
      return readBoolean(text) ?? text;
    case 'list':
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '');
  }
}
