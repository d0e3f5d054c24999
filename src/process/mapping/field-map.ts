/**
 * Declarative mappers: a CRM object's fields ↔ unified fields, as data. Code is only for
 * what really differs (lifecycle, company references), supplied as small typed hooks.
 */
import type { CrmKind, RemoteFields, RemoteValue } from '../../system';
import type { CompanyField, CompanyRef, ContactField, MappedRecord, RecordIssue, RecordKind, UnifiedValue } from '../model';

export interface FieldSpec<F extends string> {
  unified: F;
  remote: string;
  /** `in` fields are read but never written (read-only or owned by the vendor). */
  direction?: 'in' | 'both';
}

/** The unified record as outbound mapping sees it. */
export interface OutboundSnapshot {
  values: Record<string, UnifiedValue>;
  company?: { name: UnifiedValue; remoteId?: string };
}

export interface RecordMapper {
  crm: CrmKind;
  remoteType: string;
  kind: RecordKind;
  /** Vendor fields to request: only mapped fields travel (SPEC §2). */
  remoteFields: string[];
  /** Vendor fields the hooks derive values from (company links, lifecycle): without them a record cannot be mapped right. */
  hookFields: string[];
  toUnified(fields: RemoteFields): { record: MappedRecord; issues: RecordIssue[] };
  toRemote(snapshot: OutboundSnapshot): RemoteFields;
}

export interface MapperSpec<F extends string> {
  crm: CrmKind;
  remoteType: string;
  fields: FieldSpec<F>[];
  /** Extra vendor fields read by the hooks. */
  extraFields?: string[];
  /** Fixed unified values (e.g. a Salesforce Lead is lifecycle LEAD). */
  fixed?: Partial<Record<F, string>>;
  companyRef?(fields: RemoteFields): CompanyRef | undefined;
  /** Where the vendor moved this record when it converted it, if it did. */
  convertedTo?(fields: RemoteFields): { remoteType: string; remoteId: string } | undefined;
  /** Vendor fields derived from the snapshot on write (company name, lifecycle picklist, …). */
  writeExtra?(snapshot: OutboundSnapshot): RemoteFields;
  /** Unified values derived from vendor fields on read. */
  readExtra?(fields: RemoteFields): Partial<Record<F, UnifiedValue>>;
}

/** Vendor values arrive as strings, numbers or booleans; unified values are strings or null. */
export function asText(v: RemoteValue | undefined): UnifiedValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  return String(v);
}

/**
 * A vendor field's value, read as the record's own property only: a custom field named like a
 * built-in object property (`constructor`, `toString`) must find nothing when the vendor sent
 * nothing, never the inherited function.
 */
export function remoteValue(fields: RemoteFields, name: string): RemoteValue | undefined {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}

function build<F extends string>(kind: RecordKind, spec: MapperSpec<F>): RecordMapper {
  const remoteFields = [...new Set([...spec.fields.map((f) => f.remote), ...(spec.extraFields ?? [])])];
  return {
    crm: spec.crm,
    remoteType: spec.remoteType,
    kind,
    remoteFields,
    hookFields: [...(spec.extraFields ?? [])],
    toUnified(fields) {
      const issues: RecordIssue[] = [];
      const values: Partial<Record<F, UnifiedValue>> = {};
      for (const f of spec.fields) {
        const raw = remoteValue(fields, f.remote);
        if (raw !== undefined && raw !== null && typeof raw === 'object') {
          issues.push({ field: f.unified, rule: 'DATA_FORMAT', message: `${spec.remoteType}.${f.remote} is not a scalar value` });
          continue;
        }
        if (raw !== undefined) values[f.unified] = asText(raw);
      }
      Object.assign(values, spec.readExtra?.(fields), spec.fixed);
      const custom: Record<string, unknown> = {};
      if (kind === 'CONTACT') {
        const convertedTo = spec.convertedTo?.(fields);
        return {
          record: { kind, values: values as Partial<Record<ContactField, UnifiedValue>>, company: spec.companyRef?.(fields), ...(convertedTo ? { convertedTo } : {}), custom },
          issues,
        };
      }
      return { record: { kind, values: values as Partial<Record<CompanyField, UnifiedValue>>, custom }, issues };
    },
    toRemote(snapshot) {
      const out: RemoteFields = {};
      for (const f of spec.fields) {
        if (f.direction === 'in') continue;
        const v = snapshot.values[f.unified];
        if (v !== undefined) out[f.remote] = v;
      }
      return { ...out, ...spec.writeExtra?.(snapshot) };
    },
  };
}

export const contactMapper = (spec: MapperSpec<ContactField>) => build('CONTACT', spec);
export const companyMapper = (spec: MapperSpec<CompanyField>) => build('COMPANY', spec);

/** How one CRM's objects map, and which object a new unified record is created as there. */
export interface CrmMappingProfile {
  crm: CrmKind;
  mappers: RecordMapper[];
  createAs(kind: RecordKind, snapshot: OutboundSnapshot): string;
}
