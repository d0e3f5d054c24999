/**
 * The writes of one inbound page, collected while its records go through the pipeline and
 * then written with one set-based statement per table (SPEC §3 "store"). Record-by-record
 * SQL made ingest wait on ~9 round trips per record; a page of 1,000 records now costs a
 * dozen statements. Entries are merged as they arrive (a record updated twice in one page
 * is written once, with its final values), so every statement touches each row once —
 * which `INSERT … ON CONFLICT DO UPDATE` requires.
 */
import { v7 as uuidv7 } from 'uuid';
import type { RecordKind, UnifiedValue } from '../../model';
import { provenanceEntry, writeProvenanceDocs, type ProvenanceDocs } from '../../store/pages/field-provenance.repository';
import { enqueueFor, enqueueForOthers, type Enqueue } from '../../store/pages/outbox.repository';
import { insertRecords, softDeleteRecords, updateRecords } from '../../store/pages/page-records.repository';
import { recordRejections, type Rejection } from '../../store/pages/rejected-change.repository';
import { resolveQuarantined } from '../../store/quality/quarantine.repository';
import type { Queryable } from '../../store/queryable';
import { upsertLinks, type LinkWrite } from '../../store/records/source-link.repository';

interface RecordWrite {
  kind: RecordKind;
  values: Record<string, UnifiedValue>;
  /** undefined: leave as is. */
  companyId?: string | null;
  nameKey?: string | null;
}

export interface RejectedWrite extends Rejection {
  kind: RecordKind;
}

export class PageWriter {
  private inserts = new Map<string, RecordWrite>();
  private updates = new Map<string, RecordWrite>();
  private deletes = new Map<string, { kind: RecordKind; at: Date }>();
  /** Record id → field → entry: the documents the page's provenance write merges in. */
  private provenance: ProvenanceDocs = new Map();
  private links = new Map<string, LinkWrite>();
  private outbox = new Map<string, Enqueue>();
  private rejected = new Map<string, RejectedWrite>();
  private resolved = new Set<string>();
  private newContacts: string[] = [];

  constructor(
    /** The CRM the page came from; null for a partner batch, which has no links, refusals or entries to resolve by remote id. */
    private connectionId: string | null,
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
    let doc = this.provenance.get(recordId);
    if (!doc) this.provenance.set(recordId, (doc = {}));
    const at = changedAt.toISOString();
    for (const field in values) doc[field] = provenanceEntry(values[field], connectionId, at);
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
    if (rows.length) await insertRecords(m, kind, rows.map(([id, w]) => ({ id, ...w })));
  }

  private async writeUpdates(m: Queryable, kind: RecordKind): Promise<void> {
    const rows = [...this.updates].filter(([, w]) => w.kind === kind);
    if (rows.length) await updateRecords(m, kind, rows.map(([id, w]) => ({ id, ...w })));
  }

  private async writeDeletes(m: Queryable): Promise<void> {
    for (const kind of ['CONTACT', 'COMPANY'] as const) {
      const rows = [...this.deletes].filter(([, d]) => d.kind === kind);
      if (rows.length) await softDeleteRecords(m, kind, rows.map(([id, d]) => ({ id, at: d.at })));
    }
  }

  /** New records' provenance is a plain insert (nothing to conflict with); changed records' an upsert. */
  private async writeProvenance(m: Queryable): Promise<void> {
    const fresh: ProvenanceDocs = new Map();
    const changed: ProvenanceDocs = new Map();
    for (const [id, doc] of this.provenance) (this.inserts.has(id) ? fresh : changed).set(id, doc);
    await writeProvenanceDocs(m, fresh, true);
    await writeProvenanceDocs(m, changed, false);
  }

  private async writeLinks(m: Queryable): Promise<void> {
    if (this.connectionId === null) return;
    await upsertLinks(m, this.connectionId, [...this.links.values()], this.readFields);
  }

  private async writeOutbox(m: Queryable): Promise<void> {
    const rows = [...this.outbox.values()];
    if (rows.length) await enqueueForOthers(m, rows);
  }

  /**
   * Keeps refused changes and queues the refusing CRM's own copy to be rewritten with the
   * store's value — once per refused value: the same value refused again (a CRM that cannot
   * hold the store's value, say) is not queued again, so a field no CRM can agree on never
   * becomes a write loop.
   */
  private async writeRejected(m: Queryable): Promise<void> {
    const rows = [...this.rejected.values()];
    if (!rows.length || this.connectionId === null) return;
    const fresh = await recordRejections(m, this.connectionId, rows);
    const back = [...new Map(rows.filter((r) => fresh.has(r.recordId)).map((r) => [r.recordId, r.kind])).entries()];
    if (back.length) await enqueueFor(m, this.connectionId, back.map(([recordId, kind]) => ({ kind, recordId })));
  }

  private async writeResolved(m: Queryable): Promise<Array<{ id: string; remoteId: string }>> {
    if (this.connectionId === null) return [];
    return resolveQuarantined(m, this.connectionId, this.remoteType, [...this.resolved]);
  }
}
