/**
 * Declarative mappers: a CRM object's fields ↔ unified fields, as data. Code is only for
 * what really differs (lifecycle, company references), supplied as small typed hooks.
 */
import type { CrmKind, RemoteFields, RemoteValue } from '../../system';
import type { CompanyField, CompanyRef, ContactField, MappedRecord, RecordIssue, RecordKind, UnifiedValue } from '../model';
import { inForm, type ValueForm } from './value-forms';

export interface FieldSpec<F extends string> {
  unified: F;
  remote: string;
  /** `in` fields are read but never written (read-only or owned by the vendor). */
  direction?: 'in' | 'both';
  /** How the CRM holds the value when the store's form is not one a person there reads (an ISO code written as a name). */
  form?: ValueForm;
  /**
   * A picklist field an org setting (`feature`) adds beside `remote` (Salesforce's state and
   * country picklists, whose describe then lists `MailingStateCode`): where the org has it, the
   * value is written there in its own form (the text field is the CRM's to fill) and read from
   * there first.
   */
  picklist?: { remote: string; form: ValueForm; feature: string };
}

/**
 * One mapped field as data (field-mapping versions are seeded from these): the vendor field
 * it is read from, the fields a write goes to (the picklist too, where the org has one), and
 * for a value the hooks derive (a lifecycle stage) the value map the hook implements.
 */
export interface MappedField {
  unified: string;
  remote: string;
  direction: 'in' | 'both';
  /** Vendor fields a write of this value goes to. */
  writes: string[];
  /** Set for a value derived by the mapper's hooks, not read field for field. */
  derived?: { valueMap: Record<string, string>; mayWrite?: DerivedFieldSpec<string>['mayWrite'] };
}

/** A value the hooks derive from a vendor field, described as data (MappedField.derived). */
export interface DerivedFieldSpec<F extends string> {
  unified: F;
  remote: string;
  direction: 'in' | 'both';
  /** Vendor value → unified value, as the hook reads it. */
  valueMap: Record<string, string>;
  /** Whether the vendor accepts this value given the record's known state (the hook's own guard, for a value a mapping chose). */
  mayWrite?(value: string, known?: RemoteFields): boolean;
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
  /** Org settings that change this object's fields (FieldSpec.picklist), each with the fields a describe then lists. */
  orgFeatures: Record<string, string[]>;
  /** Every mapped field as data, in the org's form (field-mapping versions start from these). */
  mappedFields: MappedField[];
  /** This mapper for an org that has these of the features (the base mapper: none). */
  using(features: readonly string[]): RecordMapper;
  toUnified(fields: RemoteFields): { record: MappedRecord; issues: RecordIssue[] };
  /**
   * The vendor fields for a unified record. `known` is the target record's last known state
   * (vendor fields, nulls left out), absent for a new record: hooks read it where the CRM's
   * own value decides what may be written (HubSpot's lifecycle stage only moves forward).
   */
  toRemote(snapshot: OutboundSnapshot, known?: RemoteFields): RemoteFields;
}

export interface MapperSpec<F extends string> {
  crm: CrmKind;
  remoteType: string;
  fields: FieldSpec<F>[];
  /** Values the hooks derive, described as data (they are requested through extraFields). */
  derived?: DerivedFieldSpec<F>[];
  /** Extra vendor fields read by the hooks. */
  extraFields?: string[];
  /** Fixed unified values (e.g. a Salesforce Lead is lifecycle LEAD). */
  fixed?: Partial<Record<F, string>>;
  companyRef?(fields: RemoteFields): CompanyRef | undefined;
  /** Where the vendor moved this record when it converted it, if it did. */
  convertedTo?(fields: RemoteFields): { remoteType: string; remoteId: string } | undefined;
  /** Vendor fields derived from the snapshot on write (company name, lifecycle stage, …), given the target's last known state. */
  writeExtra?(snapshot: OutboundSnapshot, known?: RemoteFields): RemoteFields;
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

function build<F extends string>(kind: RecordKind, spec: MapperSpec<F>, features: readonly string[] = []): RecordMapper {
  // The picklist each field uses in this org, if any.
  const picklistOf = (f: FieldSpec<F>) => (f.picklist && features.includes(f.picklist.feature) ? f.picklist : undefined);
  const orgFeatures: Record<string, string[]> = {};
  for (const f of spec.fields) if (f.picklist) (orgFeatures[f.picklist.feature] ??= []).push(f.picklist.remote);
  const remoteFields = [...new Set([...spec.fields.flatMap((f) => [f.remote, ...(picklistOf(f) ? [picklistOf(f)!.remote] : [])]), ...(spec.extraFields ?? [])])];
  return {
    crm: spec.crm,
    remoteType: spec.remoteType,
    kind,
    remoteFields,
    hookFields: [...(spec.extraFields ?? [])],
    orgFeatures,
    mappedFields: [
      ...spec.fields.map((f) => ({ unified: f.unified, remote: f.remote, direction: f.direction ?? 'both', writes: [(picklistOf(f) ?? f).remote] })),
      ...(spec.derived ?? []).map((d) => ({ unified: d.unified, remote: d.remote, direction: d.direction, writes: d.direction === 'both' ? [d.remote] : [], derived: { valueMap: d.valueMap, mayWrite: d.mayWrite } })),
    ],
    using: (present) => build(kind, spec, present),
    toUnified(fields) {
      const issues: RecordIssue[] = [];
      const values: Partial<Record<F, UnifiedValue>> = {};
      for (const f of spec.fields) {
        const picked = picklistOf(f)?.remote;
        const pickedValue = picked === undefined ? undefined : remoteValue(fields, picked);
        const raw = pickedValue !== undefined && asText(pickedValue ?? null) !== null ? pickedValue : remoteValue(fields, f.remote);
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
    toRemote(snapshot, known) {
      const out: RemoteFields = {};
      for (const f of spec.fields) {
        if (f.direction === 'in') continue;
        const v = snapshot.values[f.unified];
        if (v === undefined) continue;
        const target = picklistOf(f) ?? f;
        out[target.remote] = inForm(target.form, v);
      }
      return { ...out, ...spec.writeExtra?.(snapshot, known) };
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
