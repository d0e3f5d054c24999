/**
 * What one inbound page needs to know from the store, read up front with one statement per
 * question (links, exact-key matches, current records, provenance, companies) and kept
 * current in memory while the page's records go through the pipeline — so a person who
 * appears twice in one page, or a company named by two contacts, is found in the page as it
 * would have been in the store.
 */
import type { RecordKind, UnifiedValue } from '../../model';
import { EXACT_KEYS, type ExactKey } from '../../matching/exact-keys';
import { companyKey } from '../../normalize/contact-normalizer';
import type { Provenance } from '../../resolve/field-resolver';
import { lockKeys } from '../../store/key-locks';
import { provenanceOfRecords } from '../../store/pages/field-provenance.repository';
import { companiesByKeys, contactsByExactKeys } from '../../store/pages/record-match.repository';
import { linksByRemoteId } from '../../store/pages/source-link.repository';
import type { Queryable } from '../../store/queryable';
import { loadRecords, type StoredRecord } from '../../store/records/unified-record.repository';

export interface PageKeys {
  /** Exact-key values of contacts that have no link yet (email, phone, LinkedIn URL). */
  contactKeys: Array<Partial<Record<string, UnifiedValue>>>;
  /** Company names referenced by contacts, or of companies that have no link yet. */
  companyNames: UnifiedValue[];
  companyDomains: UnifiedValue[];
  /** Companies referenced by their remote id in this CRM. */
  companyRefs: Array<{ remoteType: string; remoteId: string }>;
}

export class PageIndex {
  private contactsByKey = new Map<string, string[]>();
  /** Age order of known contacts: the oldest live contact wins a match. */
  private rank = new Map<string, number>();
  private companiesByKey = new Map<string, string[]>();
  private companiesByDomain = new Map<string, string[]>();
  private companyRefs = new Map<string, string | null>();
  private records = new Map<string, StoredRecord & { kind: RecordKind }>();
  private provenance = new Map<string, Map<string, Provenance>>();

  /** @param connectionId the CRM the page came from; null for a partner batch (it names companies only by name). */
  private constructor(private connectionId: string | null) {}

  /**
   * Locks the page's natural keys (contacts, then companies: one order everywhere) and reads
   * everything the pipeline will ask about them.
   */
  static async load(m: Queryable, connectionId: string | null, kind: RecordKind, keys: PageKeys, linkedIds: string[]): Promise<PageIndex> {
    const index = new PageIndex(connectionId);
    const matchedContacts = await index.loadContactMatches(m, keys.contactKeys);
    const matchedCompanies = await index.loadCompanies(m, keys);
    await index.loadCompanyRefs(m, keys.companyRefs);
    const ids = [...new Set([...linkedIds, ...(kind === 'CONTACT' ? matchedContacts : matchedCompanies)])];
    for (const [id, r] of await loadRecords(m, kind, ids)) index.records.set(id, { ...r, kind });
    for (const p of await provenanceOfRecords(m, ids)) index.provenanceFor(p.recordId).set(p.field, { connectionId: p.connectionId, changedAt: p.changedAt });
    return index;
  }

  private async loadContactMatches(m: Queryable, keys: PageKeys['contactKeys']): Promise<string[]> {
    const wanted = EXACT_KEYS.map(([f]) => [...new Set(keys.map((k) => k[f]).filter((v): v is string => typeof v === 'string' && v !== ''))]);
    const all = wanted.flatMap((values, i) => values.map((v) => `${EXACT_KEYS[i]![0]}:${v}`));
    if (!all.length) return [];
    // Serializes concurrent ingests of one person across instances (see key-locks.ts).
    await lockKeys(m, 'contact', all);
    const rows = await contactsByExactKeys(m, wanted);
    for (const row of rows) this.addContact(row.id, row);
    return rows.map((r) => r.id);
  }

  private async loadCompanies(m: Queryable, keys: PageKeys): Promise<string[]> {
    const nameKeys = [...new Set(keys.companyNames.map((n) => companyKey(n)).filter((k): k is string => !!k))];
    const domains = [...new Set(keys.companyDomains.filter((d): d is string => !!d))];
    if (!nameKeys.length && !domains.length) return [];
    await lockKeys(m, 'company', [...nameKeys, ...domains]);
    const rows = await companiesByKeys(m, nameKeys, domains);
    for (const r of rows) this.addCompany(r.id, r.nameKey, r.domain);
    return rows.map((r) => r.id);
  }

  /**
   * The companies contacts name by remote id, one statement per remote type with the distinct
   * ids. A join against the page's unnest()ed pairs let the planner hash every link of the
   * connection instead (estimating a few thousand where there were 754,000): 600 ms a page at
   * 750,000 contacts, growing with the store. `remote_id = ANY` reads the unique index.
   */
  private async loadCompanyRefs(m: Queryable, refs: PageKeys['companyRefs']): Promise<void> {
    const idsByType = new Map<string, Set<string>>();
    for (const r of refs) {
      this.companyRefs.set(`${r.remoteType}|${r.remoteId}`, null);
      idsByType.set(r.remoteType, (idsByType.get(r.remoteType) ?? new Set()).add(r.remoteId));
    }
    const connectionId = this.connectionId;
    if (connectionId === null) return;
    for (const [remoteType, ids] of idsByType)
      for (const link of (await linksByRemoteId(m, connectionId, remoteType, [...ids])).values()) this.companyRefs.set(`${remoteType}|${link.remoteId}`, link.recordId);
  }

  /** The contact already known by one of these keys, and the key: earlier keys first (email, phone, LinkedIn), then the oldest. */
  matchContact(values: Partial<Record<string, UnifiedValue>>): { id: string; matchedOn: ExactKey } | undefined {
    for (const [f] of EXACT_KEYS) {
      const v = values[f];
      if (!v) continue;
      const ids = this.contactsByKey.get(`${f}:${v}`);
      if (ids?.length) return { id: ids.reduce((a, b) => (this.rank.get(a)! <= this.rank.get(b)! ? a : b)), matchedOn: f };
    }
    return undefined;
  }

  /** The live company with this domain (preferred) or name key, as findCompany would answer. */
  matchCompany(domain: UnifiedValue, name: UnifiedValue): string | undefined {
    const byDomain = domain ? this.companiesByDomain.get(domain) : undefined;
    if (byDomain?.length) return byDomain[0];
    const key = companyKey(name);
    return key ? this.companiesByKey.get(key)?.[0] : undefined;
  }

  companyByRef(remoteType: string, remoteId: string): string | null {
    return this.companyRefs.get(`${remoteType}|${remoteId}`) ?? null;
  }

  record(id: string): StoredRecord | undefined {
    return this.records.get(id);
  }

  provenanceFor(id: string): Map<string, Provenance> {
    let p = this.provenance.get(id);
    if (!p) this.provenance.set(id, (p = new Map()));
    return p;
  }

  /** A record created in this page: later records see it as if it were stored. */
  added(kind: RecordKind, id: string, values: Record<string, UnifiedValue>, companyId: string | null): void {
    this.records.set(id, { id, kind, values: { ...values }, companyId, verified: new Set(), deletedAt: null });
    if (kind === 'CONTACT') this.addContact(id, values);
    else this.addCompany(id, companyKey(values.name ?? null), values.domain ?? null);
  }

  /** A record changed in this page: its keys move with its values. */
  changed(id: string, apply: Record<string, UnifiedValue>, companyId: string | null | undefined): void {
    const r = this.records.get(id);
    if (!r) return;
    if (r.kind === 'CONTACT')
      for (const [f] of EXACT_KEYS) if (f in apply) this.removeKey(this.contactsByKey, `${f}:${r.values[f]}`, id);
    Object.assign(r.values, apply);
    if (companyId !== undefined) r.companyId = companyId;
    if (r.kind === 'CONTACT') this.addContact(id, r.values);
    else this.addCompany(id, companyKey(r.values.name ?? null), r.values.domain ?? null);
  }

  private addContact(id: string, values: Partial<Record<string, UnifiedValue>>): void {
    if (!this.rank.has(id)) this.rank.set(id, this.rank.size);
    for (const [f] of EXACT_KEYS) {
      const v = values[f];
      if (v) this.push(this.contactsByKey, `${f}:${v}`, id);
    }
  }

  private addCompany(id: string, nameKey: string | null, domain: UnifiedValue): void {
    if (nameKey) this.push(this.companiesByKey, nameKey, id);
    if (domain) this.push(this.companiesByDomain, domain, id);
  }

  private push(map: Map<string, string[]>, key: string, id: string): void {
    const list = map.get(key);
    if (!list) map.set(key, [id]);
    else if (!list.includes(id)) list.push(id);
  }

  private removeKey(map: Map<string, string[]>, key: string, id: string): void {
    const list = map.get(key);
    if (list) map.set(key, list.filter((x) => x !== id));
  }
}
