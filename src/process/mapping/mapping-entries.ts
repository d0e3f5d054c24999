/**
 * Field mappings as data (issue 17 item 3): one entry per mapped unified field per vendor
 * object. Version 1 of every connection is what the code's mappers do (seedEntries); a later
 * version changes entries, and the mappers follow it (mapping-overrides.ts).
 */
import type { RecordKind } from '../model';
import { CUSTOM_KEY_PREFIX, type CustomFieldSpec, unifiedKeyOf } from './custom-fields';
import type { RecordMapper } from './field-map';
import type { FieldTransform } from './transforms';

export const MAPPING_DIRECTIONS = ['BOTH', 'INBOUND', 'OUTBOUND', 'NONE'] as const;
export type MappingDirection = (typeof MAPPING_DIRECTIONS)[number];

export interface FieldMappingEntry {
  recordKind: RecordKind;
  /** The unified field (`custom.<key>` for a custom one). */
  field: string;
  remoteObject: string;
  remoteField: string;
  direction: MappingDirection;
  transform: FieldTransform | null;
  /** Vendor value → unified value, for picklists; outbound it is read backwards. */
  valueMap: Record<string, string> | null;
}

/** One entry's change between two versions (the version's diff). */
export interface FieldMappingChange {
  remoteObject: string;
  field: string;
  before: FieldMappingEntry | null;
  after: FieldMappingEntry | null;
}

export const entryKey = (e: Pick<FieldMappingEntry, 'remoteObject' | 'field'>) => `${e.remoteObject}\u0000${e.field}`;

export const reads = (d: MappingDirection) => d === 'BOTH' || d === 'INBOUND';
export const writes = (d: MappingDirection) => d === 'BOTH' || d === 'OUTBOUND';

/** The entries the code's mappers (and the connection's custom fields) amount to: version 1. */
export function seedEntries(mappers: readonly RecordMapper[], custom: readonly CustomFieldSpec[]): FieldMappingEntry[] {
  const out: FieldMappingEntry[] = [];
  for (const m of mappers) {
    for (const f of m.mappedFields) {
      out.push({
        recordKind: m.kind,
        field: f.unified,
        remoteObject: m.remoteType,
        remoteField: f.remote,
        direction: f.direction === 'in' ? 'INBOUND' : 'BOTH',
        transform: null,
        valueMap: f.derived ? { ...f.derived.valueMap } : null,
      });
    }
    for (const c of custom.filter((s) => s.object === m.remoteType)) {
      out.push({
        recordKind: m.kind,
        field: unifiedKeyOf(m.crm, c),
        remoteObject: m.remoteType,
        remoteField: c.remote,
        direction: c.key !== undefined && c.direction !== 'in' ? 'BOTH' : 'INBOUND',
        transform: null,
        valueMap: null,
      });
    }
  }
  return out;
}

/** `current` with `changes` applied (an entry replaces the one of its object and field, or is added). */
export function mergeEntries(current: readonly FieldMappingEntry[], changes: readonly FieldMappingEntry[]): FieldMappingEntry[] {
  const byKey = new Map(current.map((e) => [entryKey(e), e]));
  for (const c of changes) byKey.set(entryKey(c), c);
  return [...byKey.values()];
}

const same = (a: FieldMappingEntry, b: FieldMappingEntry) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function canonical(e: FieldMappingEntry) {
  const map = e.valueMap ? Object.fromEntries(Object.entries(e.valueMap).sort(([a], [b]) => a.localeCompare(b))) : null;
  return [e.recordKind, e.field, e.remoteObject, e.remoteField, e.direction, e.transform ?? null, map];
}

/** What changed from `before` to `after`, entry by entry. */
export function diffEntries(before: readonly FieldMappingEntry[], after: readonly FieldMappingEntry[]): FieldMappingChange[] {
  const old = new Map(before.map((e) => [entryKey(e), e]));
  const changes: FieldMappingChange[] = [];
  for (const e of after) {
    const was = old.get(entryKey(e));
    old.delete(entryKey(e));
    if (!was || !same(was, e)) changes.push({ remoteObject: e.remoteObject, field: e.field, before: was ?? null, after: e });
  }
  for (const was of old.values()) changes.push({ remoteObject: was.remoteObject, field: was.field, before: was, after: null });
  return changes;
}

/** The entries of `entries` that differ from the seed (only these change what the mappers do). */
export function overridesOf(seed: readonly FieldMappingEntry[], entries: readonly FieldMappingEntry[]): FieldMappingEntry[] {
  const base = new Map(seed.map((e) => [entryKey(e), e]));
  return entries.filter((e) => {
    const s = base.get(entryKey(e));
    return !s || !same(s, e);
  });
}

export const isCustomField = (field: string) => field.startsWith(CUSTOM_KEY_PREFIX);
