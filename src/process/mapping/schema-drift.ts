/**
 * A mapper as it must run while some of its vendor fields are missing from the CRM's
 * describe (schema drift): the missing fields are neither requested nor written, so a
 * dropped or renamed field never turns into nulls in the store or in the other CRMs.
 */
import type { RecordMapper } from './field-map';

/** Missing vendor fields per remote type, as the last describe check found them. */
export type SchemaDrift = Record<string, string[]>;

/** The mapped vendor fields `describe` does not list (case-insensitive, as every vendor matches names). */
export function missingFields(mapper: RecordMapper, described: readonly string[]): string[] {
  const present = new Set(described.map((f) => f.toLowerCase()));
  return mapper.remoteFields.filter((f) => !present.has(f.toLowerCase()));
}

/**
 * True when a missing field is one the mapper's hooks derive values from (a company link, a
 * lifecycle flag): skipping only that field would derive wrong values, so the object is not
 * pulled at all until the field is back (its cursor stays where it was; nothing is lost).
 */
export function blocksObject(mapper: RecordMapper, missing: readonly string[]): boolean {
  const hooks = new Set(mapper.hookFields.map((f) => f.toLowerCase()));
  return missing.some((f) => hooks.has(f.toLowerCase()));
}

export function withoutMissing(mapper: RecordMapper, missing: readonly string[]): RecordMapper {
  if (!missing.length) return mapper;
  const gone = new Set(missing.map((f) => f.toLowerCase()));
  const keep = (f: string) => !gone.has(f.toLowerCase());
  return {
    ...mapper,
    remoteFields: mapper.remoteFields.filter(keep),
    toUnified(fields) {
      // A missing field is never requested; should a vendor return it anyway, it is ignored too.
      return mapper.toUnified(Object.fromEntries(Object.entries(fields).filter(([f]) => keep(f))));
    },
    toRemote(snapshot, known) {
      return Object.fromEntries(Object.entries(mapper.toRemote(snapshot, known)).filter(([f]) => keep(f.split('@')[0]!)));
    },
  };
}
