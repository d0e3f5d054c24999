/**
 * The writes of one inbound page, collected while its records go through the pipeline and
 * then written with one set-based statement per table (SPEC §3 "store"). Record-by-record
 * SQL made ingest wait on ~9 round trips per record; a page of 1,000 records now costs a
 * dozen statements. Entries are merged as they arrive (a record updated twice in one page
 * is written once, with its final values), so every statement touches each row once —
 * which `INSERT … ON CONFLICT DO UPDATE` requires.
 */
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import type { RecordKind, UnifiedValue } from '../../model';
import { resolveQuarantined } from '../../quality/quarantine.repository';
import { columnsFor, splitCustom, upsertLinks, type LinkWrite } from '../../store/record-store';

type Queryable = Pick<EntityManager, 'query'>;

interface RecordWrite {
  kind: RecordKind;
  values: Record<string, UnifiedValue>;
  /** undefined: leave as is. */
  companyId?: string | null;
  nameKey?: string | null;
}

export interface RejectedWrite {
  kind: RecordKind;
  recordId: string;
  field: string;
  value: UnifiedValue;
  reason: string;
  changedAt: Date;
}

interface OutboxWrite {
  kind: RecordKind;
  recordId: string;
  /** The connection the change came from (not written back to), or null for every connection. */
  except: string | null;
  changedAt: Date | null;
}

const DEFAULTS: Partial<Record<string, string>> = { lifecycleStage: 'CONTACT' };
const TABLE: Record<RecordKind, string> = { CONTACT: 'contacts', COMPANY: 'companies' };

export class PageWriter {
  private inserts = new Map<string, RecordWrite>();
  private updates = new Map<string, RecordWrite>();
  private deletes = new Map<string, { kind: RecordKind; at: Date }>();
  private provenance = new Map<string, { recordId: string; field: string; value: UnifiedValue; connectionId: string | null; changedAt: Date }>();
  private links = new Map<string, LinkWrite>();
  private outbox = new Map<string, OutboxWrite>();
  private rejected = new Map<string, RejectedWrite>();
  private resolved = new Set<string>();
  private newContacts: string[] = [];

  constructor(
    private connectionId: string,
    private remoteType: string,
    /** The mapped vendor fields a read of this type shows: a link's known state is replaced for these. */
    private readFields: readonly string[] = [],
  ) {}

  /**
   * A new record; its id is chosen here so later records of the page can refer to it before it
   * is written. Time-ordered (UUID v7): the primary keys of contacts and of their provenance rows
   * (record id first) then grow at their right edge. Random v4 ids scattered every page's inserts
   * over indexes larger than shared_buffers, and a million-record BULK slowed to a third.
   */
  insert(kind: RecordKind, values: Record<string, UnifiedValue>, extra: { companyId?: string | null; nameKey?: string | null } = {}): string {
    const id = uuidv7();
    this.inserts.set(id, { kind, values: { ...values }, companyId: extra.companyId ?? null, nameKey: extra.nameKey ?? null });
    if (kind === 'CONTACT') this.newContacts.push(id);
    return id;
  }

  update(kind: RecordKind, id: string, values: Record<string, UnifiedValue>, extra: { companyId?: string | null; nameKey?: string | null } = {}): void {
    const target = this.inserts.get(id) ?? this.updates.get(id) ?? { kind, values: {} };
    Object.assign(target.values, values);
    if (extra.companyId !== undefined) target.companyId = extra.companyId;
    if (extra.nameKey !== undefined) target.nameKey = extra.nameKey;
    if (!this.inserts.has(id)) this.updates.set(id, target);
  }

  softDelete(kind: RecordKind, id: string, at: Date): void {
    if (!this.deletes.has(id)) this.deletes.set(id, { kind, at });
  }

  provenanceOf(recordId: string, values: Record<string, UnifiedValue>, connectionId: string | null, changedAt: Date): void {
    for (const [field, value] of Object.entries(values)) this.provenance.set(`${recordId}|${field}`, { recordId, field, value, connectionId, changedAt });
  }

  link(link: LinkWrite): void {
    this.links.set(`${link.remoteType}|${link.remoteId}`, link);
  }

  /** Queues the record for every enabled connection but `except`; a pending row keeps its earliest source time. */
  enqueue(kind: RecordKind, recordId: string, except: string | null, changedAt: Date | null): void {
    const key = `${kind}|${recordId}`;
    const prev = this.outbox.get(key);
    if (!prev) return void this.outbox.set(key, { kind, recordId, except, changedAt });
    prev.except = prev.except === except ? except : null;
    if (changedAt && (!prev.changedAt || changedAt < prev.changedAt)) prev.changedAt = changedAt;
  }

  reject(r: RejectedWrite): void {
    this.rejected.set(`${r.recordId}|${r.field}`, r);
  }

  resolveQuarantined(remoteId: string): void {
    this.resolved.add(remoteId);
  }

  /** Writes everything collected so far; returns the contacts created and the quarantine entries resolved. */
  async flush(m: Queryable): Promise<{ newContacts: string[]; resolved: Array<{ id: string; remoteId: string }> }> {
    // Companies first: contacts reference them.
    await this.writeInserts(m, 'COMPANY');
    await this.writeInserts(m, 'CONTACT');
    await this.writeUpdates(m, 'COMPANY');
    await this.writeUpdates(m, 'CONTACT');
    await this.writeDeletes(m);
    await this.writeProvenance(m);
    await this.writeLinks(m);
    await this.writeOutbox(m);
    await this.writeRejected(m);

    const resolved = await this.writeResolved(m);
    const newContacts = this.newContacts;
    this.inserts.clear();
    this.updates.clear();
    this.deletes.clear();
    this.provenance.clear();
    this.links.clear();
    this.outbox.clear();
    this.rejected.clear();
    this.resolved.clear();
    this.newContacts = [];
    return { newContacts, resolved };
  }

  private async writeInserts(m: Queryable, kind: RecordKind): Promise<void> {
    const rows = [...this.inserts].filter(([, w]) => w.kind === kind);
    if (!rows.length) return;
    const fields = Object.entries(columnsFor(kind));
    const cols = fields.map(([, c]) => c);
    const exprs = fields.map(([f]) => (DEFAULTS[f] && kind === 'CONTACT' ? `coalesce(x.v->>'${f}', '${DEFAULTS[f]}')` : `x.v->>'${f}'`));
    const [extraCol, extraExpr] = kind === 'CONTACT' ? ['company_id', 'x.extra::uuid'] : ['name_key', 'x.extra'];
    // clock_timestamp(): rows keep the page's order, so "the oldest contact wins" stays deterministic.
    await m.query(
      `INSERT INTO ${TABLE[kind]} (id, ${cols.join(', ')}, ${extraCol}, custom, created_at)
       SELECT x.id, ${exprs.join(', ')}, ${extraExpr}, x.custom, clock_timestamp()
       FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS x(id, v, extra, custom, n) ORDER BY x.n`,
      [
        rows.map(([id]) => id),
        rows.map(([, w]) => JSON.stringify(splitCustom(w.values).columns)),
        rows.map(([, w]) => (kind === 'CONTACT' ? w.companyId : w.nameKey) ?? null),
        rows.map(([, w]) => JSON.stringify(splitCustom(w.values).custom)),
      ],
    );
  }

  private async writeUpdates(m: Queryable, kind: RecordKind): Promise<void> {
    const rows = [...this.updates].filter(([, w]) => w.kind === kind);
    if (!rows.length) return;
    const sets = Object.entries(columnsFor(kind)).map(([f, c]) => `${c} = CASE WHEN x.v ? '${f}' THEN x.v->>'${f}' ELSE t.${c} END`);
    const extraCol = kind === 'CONTACT' ? 'company_id' : 'name_key';
    const extraExpr = kind === 'CONTACT' ? 'x.extra::uuid' : 'x.extra';
    await m.query(
      `UPDATE ${TABLE[kind]} t SET ${sets.join(', ')}, ${extraCol} = CASE WHEN x.set_extra THEN ${extraExpr} ELSE t.${extraCol} END,
         custom = t.custom || x.custom, updated_at = now()
       FROM unnest($1::uuid[], $2::jsonb[], $3::bool[], $4::text[], $5::jsonb[]) AS x(id, v, set_extra, extra, custom) WHERE t.id = x.id`,
      [
        rows.map(([id]) => id),
        rows.map(([, w]) => JSON.stringify(splitCustom(w.values).columns)),
        rows.map(([, w]) => (kind === 'CONTACT' ? w.companyId : w.nameKey) !== undefined),
        rows.map(([, w]) => (kind === 'CONTACT' ? w.companyId : w.nameKey) ?? null),
        rows.map(([, w]) => JSON.stringify(splitCustom(w.values).custom)),
      ],
    );
  }

  private async writeDeletes(m: Queryable): Promise<void> {
    for (const kind of ['CONTACT', 'COMPANY'] as const) {
      const rows = [...this.deletes].filter(([, d]) => d.kind === kind);
      if (!rows.length) continue;
      await m.query(
        `UPDATE ${TABLE[kind]} t SET deleted_at = coalesce(t.deleted_at, x.at), updated_at = now() FROM unnest($1::uuid[], $2::timestamptz[]) AS x(id, at) WHERE t.id = x.id`,
        [rows.map(([id]) => id), rows.map(([, d]) => d.at)],
      );
    }
  }

  /** New records' provenance is a plain insert (nothing to conflict with); changed records' an upsert. */
  private async writeProvenance(m: Queryable): Promise<void> {
    const all = [...this.provenance.values()];
    const fresh = all.filter((r) => this.inserts.has(r.recordId));
    const changed = all.filter((r) => !this.inserts.has(r.recordId));
    for (const [rows, onConflict] of [
      [fresh, ''],
      [changed, 'ON CONFLICT (record_id, field) DO UPDATE SET value = EXCLUDED.value, connection_id = EXCLUDED.connection_id, changed_at = EXCLUDED.changed_at'],
    ] as const) {
      if (!rows.length) continue;
      await m.query(
        `INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::uuid[], $5::timestamptz[]) ${onConflict}`,
        [rows.map((r) => r.recordId), rows.map((r) => r.field), rows.map((r) => JSON.stringify(r.value ?? null)), rows.map((r) => r.connectionId), rows.map((r) => r.changedAt)],
      );
    }
  }

  private async writeLinks(m: Queryable): Promise<void> {
    await upsertLinks(m, this.connectionId, [...this.links.values()], this.readFields);
  }

  private async writeOutbox(m: Queryable): Promise<void> {
    const rows = [...this.outbox.values()];
    if (!rows.length) return;
    await m.query(
      `INSERT INTO outbox (connection_id, record_kind, record_id, source_changed_at)
       SELECT c.id, x.kind, x.record_id, x.at FROM unnest($1::text[], $2::uuid[], $3::uuid[], $4::timestamptz[]) AS x(kind, record_id, except_id, at)
       JOIN connections c ON c.enabled AND c.id IS DISTINCT FROM x.except_id
       ON CONFLICT (connection_id, record_kind, record_id) WHERE delivered_at IS NULL DO NOTHING`,
      [rows.map((r) => r.kind), rows.map((r) => r.recordId), rows.map((r) => r.except), rows.map((r) => r.changedAt)],
    );
  }

  /**
   * Keeps refused changes and queues the refusing CRM's own copy to be rewritten with the
   * store's value — once per refused value: the same value refused again (a CRM that cannot
   * hold the store's value, say) is not queued again, so a field no CRM can agree on never
   * becomes a write loop.
   */
  private async writeRejected(m: Queryable): Promise<void> {
    const rows = [...this.rejected.values()];
    if (!rows.length) return;
    const result = (await m.query(
      `INSERT INTO rejected_changes (record_id, field, connection_id, value, reason, changed_at)
       SELECT x.record_id, x.field, $1, x.value, x.reason, x.at FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::timestamptz[]) AS x(record_id, field, value, reason, at)
       ON CONFLICT (record_id, field, connection_id) DO UPDATE SET value = EXCLUDED.value, reason = EXCLUDED.reason, changed_at = EXCLUDED.changed_at, recorded_at = now()
       WHERE rejected_changes.value IS DISTINCT FROM EXCLUDED.value
       RETURNING record_id`,
      [this.connectionId, rows.map((r) => r.recordId), rows.map((r) => r.field), rows.map((r) => JSON.stringify(r.value ?? null)), rows.map((r) => r.reason), rows.map((r) => r.changedAt)],
    )) as [Array<{ record_id: string }>, number] | Array<{ record_id: string }>;
    const fresh = new Set(((Array.isArray(result[0]) ? result[0] : result) as Array<{ record_id: string }>).map((r) => r.record_id));
    const back = [...new Map(rows.filter((r) => fresh.has(r.recordId)).map((r) => [r.recordId, r.kind])).entries()];
    if (!back.length) return;
    await m.query(
      `INSERT INTO outbox (connection_id, record_kind, record_id) SELECT $1, x.kind, x.id FROM unnest($2::text[], $3::uuid[]) AS x(kind, id)
       ON CONFLICT (connection_id, record_kind, record_id) WHERE delivered_at IS NULL DO NOTHING`,
      [this.connectionId, back.map(([, kind]) => kind), back.map(([id]) => id)],
    );
  }

  private async writeResolved(m: Queryable): Promise<Array<{ id: string; remoteId: string }>> {
    return resolveQuarantined(m, this.connectionId, this.remoteType, [...this.resolved]);
  }
}
