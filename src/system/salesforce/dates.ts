/**
 * Salesforce datetimes: records carry `2024-05-20T20:49:32.000+0000` (no colon in the
 * offset); SOQL literals and replication windows accept `Z`, `+00:00` or `+0000`.
 */
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch ms of a Salesforce or ISO datetime, or undefined when it is not one. */
export function parseSfDateTime(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.padEnd(3, '0')) : 0;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(base) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (zone === 'Z') return base;
  const sign = zone!.startsWith('-') ? -1 : 1;
  const digits = zone!.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return base - sign * offsetMin * 60_000;
}

/**
 * Formats epoch ms the way Salesforce writes datetimes in records: `+0000` by default, or
 * local time with its offset (`…T17:00:00.000-0800`) for an emulator clock set to a zone.
 */
export function formatSfDateTime(ms: number, utcOffsetMinutes = 0): string {
  if (!utcOffsetMinutes) return new Date(ms).toISOString().replace('Z', '+0000');
  const abs = Math.abs(utcOffsetMinutes);
  const zone = `${utcOffsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().replace('Z', zone);
}

/** Formats epoch ms as a date-only value (`ConvertedDate`, `LastActivityDate`). */
export function formatSfDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Normalizes a Salesforce datetime to ISO-8601 UTC with milliseconds, or undefined. */
export function toIsoUtc(text: string): string | undefined {
  const ms = parseSfDateTime(text);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}
