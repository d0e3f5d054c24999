/**
 * In-memory Dataverse tables. Every write takes a modification stamp from `MonotonicStamp`
 * and a `versionnumber` from one counter shared by all tables (a rowversion, as in SQL),
 * which change tracking pages by. Deletes leave a tombstone for `$deletedEntity` rows.
 */
import { randomUUID } from 'node:crypto';
import type { MonotonicStamp } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';

export type Body = Record<string, unknown>;

export interface Row {
  /** The GUID key (or a generated key for raw rows planted without one). */
  key: string;
  version: number;
  raw: boolean;
  body: Body;
}

export interface Tombstone {
  id: string;
  version: number;
}

/** The rowversion counter shared by every table of one organisation. */
export class VersionCounter {
  value = 0;
  next(): number {
    return ++this.value;
  }
}

interface Snapshot {
  rows: Map<string, Row>;
  tombstones: Tombstone[];
}

/**
 * Dataverse writes datetimes in whole seconds with `Z` (dynamics-web-api only revives that
 * form into Dates). The stamps underneath stay strictly increasing; ordering that must
 * never tie (change tracking) uses the rowversion, as Dataverse does.
 */
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EntityStore {
  private rows = new Map<string, Row>();
  private tombstones: Tombstone[] = [];
  /** Told of every API write (not raw inserts), for webhook delivery. */
  onChange: ((message: 'Create' | 'Update' | 'Delete', row: Row) => void) | undefined;

  constructor(
    readonly set: DataverseEntitySet,
    private stamps: MonotonicStamp,
    private versions: VersionCounter,
  ) {}

  get keyColumn(): string {
    return DATAVERSE_ENTITIES[this.set].key;
  }

  all(): Row[] {
    return [...this.rows.values()];
  }

  get(id: string): Row | undefined {
    return this.rows.get(id.toLowerCase());
  }

  /** The row whose alternate-key column equals `value` (Dataverse keys compare case-insensitively). */
  findBy(column: string, value: string): Row | undefined {
    const wanted = value.toLowerCase();
    for (const row of this.rows.values()) {
      const v = row.body[column];
      if (typeof v === 'string' && v.toLowerCase() === wanted) return row;
    }
    return undefined;
  }

  /** Stores a new row with its system columns; `values` are already validated. */
  create(values: Body, id: string = randomUUID()): Row {
    const key = id.toLowerCase();
    const stamp = this.stamps.next();
    const version = this.versions.next();
    const body: Body = { ...values, [this.keyColumn]: key, createdon: iso(stamp), modifiedon: iso(stamp), versionnumber: version };
    this.derive(body);
    const row: Row = { key, version, raw: false, body };
    this.rows.set(key, row);
    // A key re-created after a delete must not be reported deleted after its re-creation.
    this.tombstones = this.tombstones.filter((t) => t.id !== key);
    this.onChange?.('Create', row);
    return row;
  }

  /** Rows are replaced, never mutated, so a change-set snapshot stays intact. */
  update(row: Row, values: Body): Row {
    const stamp = this.stamps.next();
    const version = this.versions.next();
    const body: Body = { ...row.body, ...values, modifiedon: iso(stamp), versionnumber: version };
    this.derive(body);
    const next: Row = { ...row, version, body };
    this.rows.set(row.key, next);
    this.onChange?.('Update', next);
    return next;
  }

  delete(row: Row): void {
    this.rows.delete(row.key);
    this.tombstones.push({ id: row.key, version: this.versions.next() });
    this.onChange?.('Delete', row);
  }

  /** Stores a body exactly as given (tests plant malformed rows); only the rowversion is ours. */
  insertRaw(body: Body): Row {
    const given = body[this.keyColumn];
    const key = typeof given === 'string' && given !== '' ? given.toLowerCase() : `raw-${randomUUID()}`;
    this.stamps.next();
    const row: Row = { key, version: this.versions.next(), raw: true, body: { ...body } };
    this.rows.set(key, row);
    return row;
  }

  tombstonesBetween(since: number, upTo: number): Tombstone[] {
    return this.tombstones.filter((t) => t.version > since && t.version <= upTo);
  }

  snapshot(): Snapshot {
    return { rows: new Map(this.rows), tombstones: [...this.tombstones] };
  }

  restore(s: Snapshot): void {
    this.rows = s.rows;
    this.tombstones = s.tombstones;
  }

  clear(): void {
    this.rows.clear();
    this.tombstones = [];
  }

  /** fullname is computed from first and last name, as Dataverse does. */
  private derive(body: Body): void {
    if (this.set === 'accounts') return;
    const parts = [body.firstname, body.lastname].filter((p): p is string => typeof p === 'string' && p !== '');
    body.fullname = parts.join(' ');
  }
}
