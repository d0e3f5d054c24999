/**
 * In-memory CRM objects for the HubSpot emulator. Every write takes a stamp from
 * `MonotonicStamp`, so modification times never tie; search filters and sorts the stamp
 * property by that stamp, which keeps raw (malformed) records reachable too.
 */
import type { MonotonicStamp } from '../../emulator-kit';
import { HUBSPOT_OBJECTS, lifecycleMovesForward, type HubspotObject } from '../descriptor';
import type { RecordFailure } from './errors';
import { PropertyRegistry } from './properties';
import { checkProperties, uniqueProperties } from './validate';
import type { StoreChange } from './webhooks';

export type Properties = Record<string, string | null>;

/** The record as the wire shows it; raw inserts keep whatever shape the test gave. */
export interface WireBody {
  id?: unknown;
  properties?: unknown;
  createdAt?: unknown;
  updatedAt?: unknown;
  archived?: unknown;
  archivedAt?: unknown;
  [key: string]: unknown;
}

export interface StoredRecord {
  /** Store key: the id for API-created records, a generated key for raw ones without an id. */
  key: string;
  /** Insertion order, used for list paging (`after`). */
  seq: number;
  /** Emulator modification time in ms. */
  stamp: number;
  archived: boolean;
  raw: boolean;
  body: WireBody;
}

const iso = (ms: number) => new Date(ms).toISOString();

export class ObjectStore {
  private rows = new Map<string, StoredRecord>();
  private seq = 0;
  /** Unique property → value → key of the live record holding it (keeps uniqueness checks O(1)). */
  private unique = new Map<string, Map<string, string>>();
  readonly properties: PropertyRegistry;

  constructor(
    readonly object: HubspotObject,
    private stamps: MonotonicStamp,
    /** Told of every API write (not raw inserts), for webhook delivery. */
    private onChange: (change: StoreChange) => void = () => undefined,
  ) {
    for (const p of uniqueProperties(object)) this.unique.set(p, new Map());
    this.properties = new PropertyRegistry(object);
  }

  /** Archives a property definition; each record's value is kept aside for a restore. */
  archiveProperty(name: string): boolean {
    const kept = this.properties.archive(name);
    if (!kept) return false;
    for (const row of this.rows.values()) {
      const p = propertiesOf(row);
      if (!(name in p)) continue;
      kept.set(row.key, p[name]);
      delete p[name];
    }
    return true;
  }

  restoreProperty(name: string): boolean {
    const kept = this.properties.restore(name);
    if (!kept) return false;
    for (const [key, value] of kept) {
      const row = this.rows.get(key);
      if (row) propertiesOf(row)[name] = value;
    }
    return true;
  }

  all(): StoredRecord[] {
    return [...this.rows.values()];
  }

  live(): StoredRecord[] {
    return this.all().filter((r) => !r.archived);
  }

  get(key: string): StoredRecord | undefined {
    return this.rows.get(key);
  }

  /** A live record whose property equals `value` (emails compare case-insensitively, as HubSpot does). */
  findBy(property: string, value: string): StoredRecord | undefined {
    if (property === 'hs_object_id') {
      const row = this.rows.get(value);
      return row && !row.archived ? row : undefined;
    }
    const index = this.unique.get(property);
    if (index) {
      const key = index.get(indexValue(property, value));
      return key === undefined ? undefined : this.rows.get(key);
    }
    const wanted = property === 'email' ? value.toLowerCase() : value;
    for (const row of this.rows.values()) {
      if (row.archived) continue;
      const v = propertiesOf(row)[property];
      if (typeof v === 'string' && (property === 'email' ? v.toLowerCase() : v) === wanted) return row;
    }
    return undefined;
  }

  create(input: Properties): StoredRecord | RecordFailure {
    const failure = checkProperties(this, input, undefined);
    if (failure) return failure;
    const stamp = this.stamps.next();
    const id = String(++this.seq);
    const facts = HUBSPOT_OBJECTS[this.object];
    const properties: Properties = { ...input, hs_object_id: id, createdate: input.createdate ?? iso(stamp), [facts.stampProperty]: iso(stamp) };
    const row: StoredRecord = {
      key: id,
      seq: this.seq,
      stamp,
      archived: false,
      raw: false,
      body: { id, properties, createdAt: iso(stamp), updatedAt: iso(stamp), archived: false },
    };
    this.rows.set(id, row);
    this.index(row, {});
    this.onChange({ object: this.object, kind: 'creation', objectId: id, occurredAt: stamp });
    return row;
  }

  update(row: StoredRecord, given: Properties): StoredRecord | RecordFailure {
    const failure = checkProperties(this, given, row);
    if (failure) return failure;
    const stamp = this.stamps.next();
    row.stamp = stamp;
    const stampProperty = HUBSPOT_OBJECTS[this.object].stampProperty;
    const before = propertiesOf(row);
    const input = withoutBackwardStage(given, before);
    row.body = { ...row.body, properties: { ...before, ...input, [stampProperty]: iso(stamp) }, updatedAt: iso(stamp) };
    this.index(row, before);
    const changed = Object.fromEntries(Object.entries(input).filter(([k, v]) => before[k] !== v));
    if (Object.keys(changed).length) this.onChange({ object: this.object, kind: 'propertyChange', objectId: row.key, occurredAt: stamp, changed });
    return row;
  }

  /** Soft delete: HubSpot keeps archived records (the recycle bin) and lists them with archived=true. */
  archive(row: StoredRecord): void {
    if (row.archived) return;
    const stamp = this.stamps.next();
    row.stamp = stamp;
    row.archived = true;
    const stampProperty = HUBSPOT_OBJECTS[this.object].stampProperty;
    const before = propertiesOf(row);
    row.body = { ...row.body, properties: { ...before, [stampProperty]: iso(stamp) }, updatedAt: iso(stamp), archived: true, archivedAt: iso(stamp) };
    this.index(row, before);
    this.onChange({ object: this.object, kind: 'deletion', objectId: row.key, occurredAt: stamp });
  }

  /** Stores a body exactly as given (tests plant malformed records); only the stamp is ours. */
  insertRaw(body: WireBody): StoredRecord {
    const seq = ++this.seq;
    const key = typeof body.id === 'string' && body.id !== '' ? body.id : typeof body.id === 'number' ? String(body.id) : `raw-${seq}`;
    const archived = body.archived === true;
    const stamp = this.stamps.next();
    const row: StoredRecord = { key, seq, stamp, archived, raw: true, body: { ...body } };
    this.rows.set(key, row);
    this.index(row, {});
    return row;
  }

  clear(): void {
    this.rows.clear();
    this.seq = 0;
    for (const index of this.unique.values()) index.clear();
  }

  /** Moves a record's unique values in the indexes; archived records hold none. */
  private index(row: StoredRecord, before: Record<string, unknown>): void {
    const after = propertiesOf(row);
    for (const [property, index] of this.unique) {
      const old = before[property];
      if (typeof old === 'string' && index.get(indexValue(property, old)) === row.key) index.delete(indexValue(property, old));
      const now = after[property];
      // Raw inserts bypass validation, so a clash there keeps the first holder.
      if (!row.archived && typeof now === 'string' && now !== '' && !index.has(indexValue(property, now))) index.set(indexValue(property, now), row.key);
    }
  }
}

const indexValue = (property: string, value: string) => (property === 'email' ? value.toLowerCase() : value);

/** A record's properties as a plain dictionary (raw records may carry anything there). */
export function propertiesOf(row: StoredRecord): Record<string, unknown> {
  const p = row.body.properties;
  return typeof p === 'object' && p !== null && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
}

/**
 * The wire form of a record with the requested properties (HubSpot's defaults when none),
 * plus the id, creation and stamp properties HubSpot always returns. A requested property that
 * was archived is left out, as HubSpot leaves out properties that do not exist.
 */
export function present(row: StoredRecord, object: HubspotObject, requested: string[] | undefined, registry?: PropertyRegistry): WireBody {
  const facts = HUBSPOT_OBJECTS[object];
  const names = new Set([...(requested && requested.length ? requested : facts.defaultProperties), 'hs_object_id', 'createdate', facts.stampProperty]);
  const source = row.body.properties;
  if (row.raw && (typeof source !== 'object' || source === null || Array.isArray(source))) return { ...row.body };
  const all = propertiesOf(row);
  const properties: Record<string, unknown> = {};
  for (const name of names) if (!registry?.isArchived(name)) properties[name] = all[name] ?? null;
  return { ...row.body, properties };
}

/**
 * HubSpot sets a lifecycle stage only forward: an earlier stage is silently dropped from the
 * write (the call still succeeds and the answer shows the stage kept). Clearing it ("") is
 * allowed, and a later write may then set any stage (crm-wire.md §6.2 item 11).
 */
function withoutBackwardStage(input: Properties, before: Record<string, unknown>): Properties {
  const next = input.lifecyclestage;
  const current = before.lifecyclestage;
  if (typeof next !== 'string' || next === '' || typeof current !== 'string' || lifecycleMovesForward(current, next)) return input;
  const { lifecyclestage: _ignored, ...rest } = input;
  return rest;
}
