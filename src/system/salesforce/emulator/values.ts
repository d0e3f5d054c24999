/**
 * Coerces one written value to what Salesforce would store for the field's type, or
 * explains why it cannot (the SaveResult error Salesforce would give).
 */
import { formatSfDateTime, parseSfDateTime } from '../dates';
import { sfError, type SfError } from './errors';
import { isNumeric, isTextual, type FieldDef } from './schema';

export type FieldValue = string | number | boolean | null;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function coerceValue(def: FieldDef, raw: unknown): { value: FieldValue } | { error: SfError } {
  if (raw === null || raw === undefined || raw === '') return { value: null };
  if (typeof raw === 'object') return parserError(def, raw);
  if (isTextual(def.type)) {
    const text = String(raw);
    if (def.type === 'email' && !EMAIL.test(text)) return { error: sfError('INVALID_EMAIL_ADDRESS', `${def.name}: invalid email address: ${text}`, [def.name]) };
    if (def.length !== undefined && text.length > def.length)
      return { error: sfError('STRING_TOO_LONG', `${def.name}: data value too large: ${text.slice(0, 40)} (max length=${def.length})`, [def.name]) };
    return { value: text };
  }
  if (def.type === 'boolean') {
    if (typeof raw === 'boolean') return { value: raw };
    if (raw === 'true' || raw === 'false') return { value: raw === 'true' };
    return parserError(def, raw);
  }
  if (isNumeric(def.type)) {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n) || (def.type === 'int' && !Number.isInteger(n))) return parserError(def, raw);
    return { value: n };
  }
  if (def.type === 'datetime') {
    const ms = typeof raw === 'string' ? parseSfDateTime(raw) : undefined;
    return ms === undefined ? parserError(def, raw) : { value: formatSfDateTime(ms) };
  }
  // date
  return typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(raw) ? { value: raw } : parserError(def, raw);
}

function parserError(def: FieldDef, raw: unknown): { error: SfError } {
  const shown = typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
  return { error: sfError('JSON_PARSER_ERROR', `Cannot deserialize instance of ${def.type} from value ${shown} or request may be missing a required field`, [def.name]) };
}
