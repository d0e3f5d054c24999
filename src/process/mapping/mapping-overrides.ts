/**
 * A connection's mapping version applied to a code mapper: the code stays the engine, and
 * each entry that differs from the seeded version 1 changes what it reads and writes —
 * direction (a field read but never written, or the reverse, or neither), the vendor field,
 * a transform (transforms.ts) and a picklist value map. A value the hooks derive (HubSpot's
 * lifecycle stage) keeps its hook; the value map then decides which vendor values mean which
 * unified value, and the hook's own guards (stages only move forward) still hold.
 */
import type { RemoteFields } from '../../system';
import type { UnifiedValue } from '../model';
import { asText, remoteValue, type MappedField, type RecordMapper } from './field-map';
import { entryKey, type FieldMappingEntry, reads, writes } from './mapping-entries';
import { transformIn, transformOut } from './transforms';

/** The unified value a vendor value maps to, matched exactly or ignoring case. */
export function mapIn(valueMap: Record<string, string> | null, v: UnifiedValue): string | undefined {
  if (!valueMap || v === null) return undefined;
  if (Object.hasOwn(valueMap, v)) return valueMap[v];
  const lower = v.toLowerCase();
  const key = Object.keys(valueMap).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : valueMap[key];
}

/** The vendor values that map to a unified value (the first is written unless the code chose another of them). */
export function mapOut(valueMap: Record<string, string> | null, v: UnifiedValue): string[] {
  return valueMap && v !== null ? Object.keys(valueMap).filter((k) => valueMap[k] === v) : [];
}

interface Override {
  entry: FieldMappingEntry;
  seed: FieldMappingEntry | undefined;
  field: MappedField | undefined;
  /** Read field for field from the entry (not the code's own read). */
  reread: boolean;
  /** Written from the entry (not the code's own write). */
  rewrite: boolean;
}

function plan(mapper: RecordMapper, seed: readonly FieldMappingEntry[], entries: readonly FieldMappingEntry[]): Override[] {
  const seedByKey = new Map(seed.map((e) => [entryKey(e), e]));
  return entries.map((entry) => {
    const s = seedByKey.get(entryKey(entry));
    const field = mapper.mappedFields.find((f) => f.unified === entry.field);
    const changedShape = !s || s.remoteField !== entry.remoteField || entry.transform !== null || (entry.valueMap !== null && !field?.derived);
    return { entry, seed: s, field, reread: !field?.derived && (changedShape || !reads(s.direction)), rewrite: !field?.derived && (changedShape || !writes(s.direction)) };
  });
}

/** `mapper` following this object's entries that differ from `seed` (both already filtered to the object). */
export function withFieldMappings(mapper: RecordMapper, seed: readonly FieldMappingEntry[], overrides: readonly FieldMappingEntry[]): RecordMapper {
  if (!overrides.length) return mapper;
  const planned = plan(mapper, seed, overrides);
  const added = overrides.filter((e) => reads(e.direction)).map((e) => e.remoteField);
  const wrapped: RecordMapper = {
    ...mapper,
    remoteFields: [...new Set([...mapper.remoteFields, ...added])],
    using: (features) => withFieldMappings(mapper.using(features), seed, overrides),
    toUnified(fields: RemoteFields) {
      const result = mapper.toUnified(fields);
      const values = result.record.values as Record<string, UnifiedValue>;
      for (const { entry, field, reread } of planned) {
        if (!reads(entry.direction)) {
          delete values[entry.field];
          continue;
        }
        const raw = remoteValue(fields, entry.remoteField);
        if (raw !== undefined && raw !== null && typeof raw === 'object') {
          result.issues.push({ field: entry.field, rule: 'DATA_FORMAT', message: `${mapper.remoteType}.${entry.remoteField} is not a scalar value` });
          delete values[entry.field];
          continue;
        }
        if (field?.derived) {
          const mapped = mapIn(entry.valueMap, asText(raw ?? null));
          if (mapped !== undefined) values[entry.field] = mapped;
        } else if (reread) {
          if (raw === undefined) delete values[entry.field]; // not returned: never a silent null
          else {
            const v = transformIn(entry.transform, asText(raw));
            values[entry.field] = mapIn(entry.valueMap, v) ?? v;
          }
        }
      }
      return result;
    },
    toRemote(snapshot, known) {
      const out = mapper.toRemote(snapshot, known);
      for (const { entry, seed, field, rewrite } of planned) {
        const codeWrites = field?.writes ?? (seed && writes(seed.direction) ? [seed.remoteField] : []);
        if (!writes(entry.direction)) {
          for (const w of codeWrites) delete out[w];
          continue;
        }
        const v = snapshot.values[entry.field];
        if (field?.derived) {
          const written = codeWrites.find((w) => out[w] !== undefined);
          if (written === undefined) continue; // the hook chose to write nothing (a guard held)
          const chosen = asText(out[written] ?? null);
          delete out[written];
          const allowed = mapOut(entry.valueMap, v ?? null);
          if (!allowed.length || allowed.some((a) => a.toLowerCase() === chosen?.toLowerCase())) out[entry.remoteField] = chosen;
          else if (field.derived.mayWrite?.(allowed[0]!, known) ?? true) out[entry.remoteField] = allowed[0]!;
        } else if (rewrite) {
          for (const w of codeWrites) delete out[w];
          if (v !== undefined) out[entry.remoteField] = mapOut(entry.valueMap, v)[0] ?? transformOut(entry.transform, v);
        }
      }
      return out;
    },
  };
  return wrapped;
}
