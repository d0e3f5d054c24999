/**
 * The fixed set of transforms a field mapping may name (issue 17 item 3). Each has an inbound
 * half (the CRM's value → the store's form) and an outbound half (the store's form → what the
 * CRM field takes). A value a transform cannot read is passed on as it was: the pipeline's
 * validation decides about it, never a silent null.
 */
import type { UnifiedValue } from '../model';
import { normalizePhone } from '../normalize/contact-normalizer';
import { countryName, normalizeCountry, subdivisionName } from '../normalize/geography';

export const FIELD_TRANSFORMS = ['TRIM', 'LOWER', 'UPPER', 'PHONE_E164', 'COUNTRY', 'STATE', 'DATE_ISO', 'NUMBER'] as const;
export type FieldTransform = (typeof FIELD_TRANSFORMS)[number];

type Half = (v: string) => string;

const trim: Half = (v) => v.trim();
const phone: Half = (v) => normalizePhone(v, null).value ?? v;

/** `2024-05-01`, `5/1/2024 10:00`, epoch ms → ISO 8601 (a date stays a date). */
function isoDate(v: string): string {
  const t = v.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return t;
  const ms = /^\d{10,13}$/.test(t) ? Number(t.length === 10 ? `${t}000` : t) : Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** `1,200.50`, ` 42 ` → `1200.5`, `42`. */
function number(v: string): string {
  const t = v.trim().replace(/,/g, '');
  return t !== '' && Number.isFinite(Number(t)) ? String(Number(t)) : v.trim();
}

const TRANSFORMS: Record<FieldTransform, { in: Half; out: Half; description: string }> = {
  TRIM: { in: trim, out: trim, description: 'leading and trailing white space removed, both ways' },
  LOWER: { in: (v) => v.trim().toLowerCase(), out: (v) => v.toLowerCase(), description: 'lower case, both ways' },
  UPPER: { in: (v) => v.trim().toUpperCase(), out: (v) => v.toUpperCase(), description: 'upper case, both ways' },
  PHONE_E164: { in: phone, out: phone, description: 'E.164 (+14155550100), both ways' },
  COUNTRY: { in: (v) => normalizeCountry(v) ?? v, out: (v) => countryName(v) ?? v, description: 'ISO 3166-1 code in, the country name out' },
  STATE: { in: trim, out: (v) => subdivisionName(v) ?? v, description: 'kept as given in (the store resolves it with the country), the state name out' },
  DATE_ISO: { in: isoDate, out: isoDate, description: 'ISO 8601, both ways' },
  NUMBER: { in: number, out: number, description: 'a plain decimal number, both ways' },
};

export function transformIn(t: FieldTransform | null | undefined, v: UnifiedValue): UnifiedValue {
  return t && v !== null ? TRANSFORMS[t].in(v) : v;
}

export function transformOut(t: FieldTransform | null | undefined, v: UnifiedValue): UnifiedValue {
  return t && v !== null ? TRANSFORMS[t].out(v) : v;
}

export function describeTransform(t: FieldTransform): string {
  return TRANSFORMS[t].description;
}
