/**
 * The in-memory org: one table per sObject, records kept (never hard-deleted) so
 * `queryAll` and the replication endpoints see deletions. Records are replaced, never
 * mutated, so an all-or-none request can roll back by restoring a shallow snapshot.
 */
import type { MonotonicStamp } from '../../emulator-kit';
import { formatSfDateTime } from '../dates';
import { sfError, type SfError } from './errors';
import { IdFactory, normalizeId } from './ids';
import { buildSchemas, ID_PREFIX, isCustomName, OBJECT_NAMES, USER_ID, type ObjectName, type ObjectSchema } from './schema';
import { codeFields, convertExisting, reconcileAddresses } from './state-country';
import { coerceValue, type FieldValue } from './values';

export type SRecord = Record<string, FieldValue>;
export type WriteOutcome = { ok: true; id: string; created: boolean } | { ok: false; errors: SfError[]; id?: string };
type Tables = Map<ObjectName, Map<string, SRecord>>;

export class SObjectStore {
  private schemas = buildSchemas();
  private tables: Tables = new Map(OBJECT_NAMES.map((n) => [n, new Map()]));
  /** type → field → lower-cased value → keys of live records (see `index`). */
  private indexes = new Map<ObjectName, Map<string, ValueIndex>>();
  private ids = new IdFactory();
  private rawCounter = 0;
  /** Told of every record an API write created or updated (not raw inserts), for outbound messages. */
  onWrite: ((type: ObjectName, record: SRecord) => void) | undefined;
  /** The org's state and country picklists (an org setting, kept across resets). */
  private picklists = false;

  constructor(private stamp: MonotonicStamp) {}

  get statePicklists(): boolean {
    return this.picklists;
  }

  /**
   * Turns state and country picklists on or off, as an admin does in Setup: the code fields
   * appear in (or leave) every address; turning them on converts the values already kept.
   */
  setStatePicklists(on: boolean): void {
    if (on === this.picklists) return;
    this.picklists = on;
    for (const name of OBJECT_NAMES) {
      this.schema(name)!.setStandard(codeFields(name), on);
      if (!on) continue;
      for (const [key, record] of this.table(name)) this.put(name, key, { ...record, ...convertExisting(name, record) });
    }
  }

  /** A fresh modification stamp, written in the org's zone (`+0000` unless a test set one). */
  private nextStamp(): string {
    return formatSfDateTime(this.stamp.next(), this.stamp.clock.utcOffsetMinutes);
  }

  schema(type: string): ObjectSchema | undefined {
    return this.schemas.get(type.toLowerCase());
  }

  /** Every row of an object, deleted ones included, in creation order. */
  all(type: ObjectName): SRecord[] {
    return [...this.table(type).values()];
  }

  get(type: ObjectName, id: string): SRecord | undefined {
    const table = this.table(type);
    return table.get(id) ?? table.get(normalizeId(id) ?? '');
  }

  /** Finds which object an id belongs to, by key prefix. */
  typeOfId(id: string): ObjectName | undefined {
    return OBJECT_NAMES.find((n) => id.startsWith(ID_PREFIX[n]) && this.get(n, id));
  }

  create(type: ObjectName, input: Record<string, unknown>): WriteOutcome {
    const schema = this.schema(type)!;
    const values = this.withAddresses(type, this.normalize(schema, input, 'create'), undefined);
    if ('errors' in values) return { ok: false, errors: values.errors };
    const now = this.nextStamp();
    const record: SRecord = {};
    for (const f of schema.fields) record[f.name] = f.defaultValue ?? null;
    const id = this.ids.next(ID_PREFIX[type]);
    Object.assign(record, values.record, {
      Id: id,
      IsDeleted: false,
      OwnerId: values.record.OwnerId ?? USER_ID,
      CreatedDate: now,
      CreatedById: USER_ID,
      LastModifiedDate: now,
      LastModifiedById: USER_ID,
      SystemModstamp: now,
    });
    const problems = this.check(schema, record, id);
    if (problems.length) return { ok: false, errors: problems };
    const stored = withName(type, record);
    this.put(type, id, stored);
    this.onWrite?.(type, stored);
    return { ok: true, id, created: true };
  }

  update(type: ObjectName, id: string, input: Record<string, unknown>): WriteOutcome {
    const existing = this.get(type, id);
    if (!existing) return { ok: false, id, errors: [sfError('NOT_FOUND', 'The requested resource does not exist')] };
    const key = String(existing.Id);
    if (existing.IsDeleted === true) return { ok: false, id: key, errors: [sfError('ENTITY_IS_DELETED', 'entity is deleted')] };
    if (type === 'Lead' && existing.IsConverted === true) return { ok: false, id: key, errors: [sfError('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead')] };
    const schema = this.schema(type)!;
    const values = this.withAddresses(type, this.normalize(schema, input, 'update'), existing);
    if ('errors' in values) return { ok: false, id: key, errors: values.errors };
    const now = this.nextStamp();
    const record: SRecord = { ...existing, ...values.record, LastModifiedDate: now, LastModifiedById: USER_ID, SystemModstamp: now };
    const problems = this.check(schema, record, key);
    if (problems.length) return { ok: false, id: key, errors: problems };
    const stored = withName(type, record);
    this.put(type, key, stored);
    this.onWrite?.(type, stored);
    return { ok: true, id: key, created: false };
  }

  /** Soft delete: the row stays for queryAll and `/deleted`, with a fresh SystemModstamp. */
  remove(type: ObjectName, id: string): WriteOutcome {
    const existing = this.get(type, id);
    if (!existing) return { ok: false, id, errors: [sfError('NOT_FOUND', 'The requested resource does not exist')] };
    const key = String(existing.Id);
    if (existing.IsDeleted === true) return { ok: false, id: key, errors: [sfError('ENTITY_IS_DELETED', 'entity is deleted')] };
    const now = this.nextStamp();
    this.put(type, key, { ...existing, IsDeleted: true, LastModifiedDate: now, SystemModstamp: now });
    return { ok: true, id: key, created: false };
  }

  /** Upsert on an external-id field (or Id): update the one match, create when none. */
  upsert(type: ObjectName, field: string, value: string, input: Record<string, unknown>): WriteOutcome {
    const body = Object.fromEntries(Object.entries(input).filter(([k]) => k.toLowerCase() !== field.toLowerCase()));
    if (field === 'Id') return this.update(type, value, body);
    const matches = this.matchExternal(type, field, value);
    if (matches.length > 1) return { ok: false, errors: [sfError('DUPLICATE_EXTERNAL_ID', `${field}: more than one record found for external id field: ${value}`, [field])] };
    if (matches.length === 1) return this.update(type, String(matches[0]!.Id), body);
    return this.create(type, { ...body, [field]: value });
  }

  /** Live records whose external-id field matches (text external ids match case-insensitively). */
  matchExternal(type: ObjectName, field: string, value: string): SRecord[] {
    const keys = this.index(type, field).get(value.toLowerCase());
    return keys ? [...keys].map((k) => this.table(type).get(k)!) : [];
  }

  /**
   * Live records by the lower-cased value of a text field, built on first use and kept by
   * `put`: an upsert or a unique check looks its value up instead of scanning the table
   * (a 50,000-row bulk ingest into 100,000 records scanned 10^10 rows).
   */
  private index(type: ObjectName, field: string): ValueIndex {
    const byField = this.indexes.get(type) ?? new Map<string, ValueIndex>();
    this.indexes.set(type, byField);
    let index = byField.get(field);
    if (!index) {
      index = new Map();
      for (const [key, record] of this.table(type)) indexAdd(index, key, record, field);
      byField.set(field, index);
    }
    return index;
  }

  /** Every write goes through here, so the value indexes follow the table. */
  private put(type: ObjectName, key: string, record: SRecord): void {
    const table = this.table(type);
    const before = table.get(key);
    for (const [field, index] of this.indexes.get(type) ?? []) {
      if (before) indexRemove(index, key, before, field);
      indexAdd(index, key, record, field);
    }
    table.set(key, record);
  }

  /** Writes fields the API treats as read-only (lead conversion's Converted* fields), stamping the record. */
  systemUpdate(type: ObjectName, id: string, fields: SRecord): void {
    const existing = this.get(type, id);
    if (!existing) return;
    const now = this.nextStamp();
    this.put(type, String(existing.Id), withName(type, { ...existing, ...fields, LastModifiedDate: now, SystemModstamp: now }));
  }

  /** Stores a record exactly as given (tests plant malformed data); stamps it only where absent. */
  insertRaw(type: ObjectName, given: Record<string, unknown>): string {
    const now = this.nextStamp();
    const record: SRecord = { CreatedDate: now, LastModifiedDate: now, SystemModstamp: now, IsDeleted: false };
    for (const [k, v] of Object.entries(given)) record[k] = isFieldValue(v) ? v : JSON.stringify(v);
    const key = typeof given.Id === 'string' && given.Id ? given.Id : `raw-${++this.rawCounter}`;
    this.put(type, key, record);
    return key;
  }

  snapshot(): Tables {
    return new Map([...this.tables].map(([n, t]) => [n, new Map(t)]));
  }

  restore(snapshot: Tables): void {
    this.tables = snapshot;
    this.indexes.clear();
  }

  /** Empties the org; its objects have Junction's fields only when `provisioned` (else it is a fresh org). */
  reset(provisioned = false): void {
    this.schemas = buildSchemas(provisioned);
    if (this.picklists) for (const name of OBJECT_NAMES) this.schema(name)!.setStandard(codeFields(name), true);
    this.tables = new Map(OBJECT_NAMES.map((n) => [n, new Map()]));
    this.indexes.clear();
    this.ids.reset();
    this.rawCounter = 0;
  }

  private table(type: ObjectName): Map<string, SRecord> {
    return this.tables.get(type)!;
  }

  /** Resolves field names (case-insensitively, custom `__c` fields on first use) and coerces values. */
  private normalize(schema: ObjectSchema, input: Record<string, unknown>, mode: 'create' | 'update'): { record: SRecord } | { errors: SfError[] } {
    const record: SRecord = {};
    const readOnly: string[] = [];
    const errors: SfError[] = [];
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      if (key.toLowerCase() === 'id') {
        if (mode === 'create') errors.push(sfError('INVALID_FIELD', 'cannot specify Id in an insert call', ['Id']));
        continue;
      }
      const def = schema.field(key) ?? (isCustomName(key) ? schema.addCustom(key, raw) : undefined);
      if (!def) {
        errors.push(sfError('INVALID_FIELD', `No such column '${key}' on sobject of type ${schema.name}`));
        continue;
      }
      if (def.readOnly) {
        readOnly.push(def.name);
        continue;
      }
      const coerced = coerceValue(def, raw);
      if ('error' in coerced) errors.push(coerced.error);
      else record[def.name] = coerced.value;
    }
    if (readOnly.length)
      errors.unshift(
        sfError(
          'INVALID_FIELD_FOR_INSERT_UPDATE',
          `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
          readOnly,
        ),
      );
    return errors.length ? { errors } : { record };
  }

  /** With state and country picklists on, a write's address codes and names are put in step (or refused). */
  private withAddresses(
    type: ObjectName,
    written: { record: SRecord } | { errors: SfError[] },
    existing: SRecord | undefined,
  ): { record: SRecord } | { errors: SfError[] } {
    if (!this.picklists || 'errors' in written) return written;
    const addresses = reconcileAddresses(type, written.record, existing);
    return 'errors' in addresses ? addresses : { record: { ...written.record, ...addresses.values } };
  }

  /** Record-level rules: required fields, references and unique fields. */
  private check(schema: ObjectSchema, record: SRecord, selfId: string): SfError[] {
    const missing = schema.fields.filter((f) => f.required && (record[f.name] === null || record[f.name] === undefined || record[f.name] === '')).map((f) => f.name);
    if (missing.length) return [sfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing)];
    const errors: SfError[] = [];
    for (const f of schema.fields) {
      const value = record[f.name];
      if (f.referenceTo && !f.readOnly && typeof value === 'string') {
        const target = this.get(f.referenceTo, value);
        if (!target || target.IsDeleted === true) errors.push(sfError('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]));
        else record[f.name] = String(target.Id);
      }
      if (f.unique && typeof value === 'string') {
        const clash = this.matchExternal(schema.name, f.name, value).find((r) => r.Id !== selfId);
        if (clash) errors.push(sfError('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${String(clash.Id)}`, [f.name]));
      }
    }
    return errors;
  }
}

/** Lower-cased value → keys of the live records holding it. */
type ValueIndex = Map<string, Set<string>>;

function indexAdd(index: ValueIndex, key: string, record: SRecord, field: string): void {
  const value = record[field];
  if (record.IsDeleted === true || typeof value !== 'string') return;
  const v = value.toLowerCase();
  const keys = index.get(v) ?? new Set<string>();
  keys.add(key);
  index.set(v, keys);
}

function indexRemove(index: ValueIndex, key: string, record: SRecord, field: string): void {
  const value = record[field];
  if (typeof value !== 'string') return;
  const keys = index.get(value.toLowerCase());
  keys?.delete(key);
  if (keys?.size === 0) index.delete(value.toLowerCase());
}

function withName(type: ObjectName, record: SRecord): SRecord {
  if (type === 'Account') return record;
  const name = [record.FirstName, record.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ');
  return { ...record, Name: name || null };
}

const isFieldValue = (v: unknown): v is FieldValue => v === null || ['string', 'number', 'boolean'].includes(typeof v);
