/**
 * Read side of unified contacts: keyset pages in (created_at, id) order — stable while
 * syncs keep updating rows — and batched look-ups for DataLoaders. Contacts merged into
 * another (merged_into set) are never listed: their master stands for them.
 */
import type { ContactEntity, FieldProvenanceEntity } from '../entities';
import type { Queryable } from '../queryable';
import { decodeCursor, isUuid, likePattern, pageSize, QueryInputError, sortAtSql, toPage, type Page, type PageArgs, type SortKey } from './pagination';
import { mapContact, mapProvenance, type Row } from './row-mappers';
import { SqlParams } from './sql';

export type LifecycleStage = 'LEAD' | 'CONTACT';

/** Longest search term, trimmed: a name or an email fits; a longer one is refused rather than scanned. */
export const MAX_SEARCH_LENGTH = 200;

export interface ContactFilter {
  /** Case-insensitive substring of email, first, last or full name; wildcards are literal; at most MAX_SEARCH_LENGTH characters. */
  search?: string | null;
  email?: string | null;
  lifecycleStage?: LifecycleStage | null;
  companyId?: string | null;
  /** Only contacts linked to a record in this connection. */
  connectionId?: string | null;
  includeDeleted?: boolean | null;
}

const SORT_AT = sortAtSql('c.created_at');

export class ContactReadModel {
  constructor(private db: Queryable) {}

  async page(args: PageArgs, filter: ContactFilter = {}): Promise<Page<ContactEntity>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after);
    const sql = new SqlParams();
    const where = this.where(sql, filter, after);
    if (where === null) return toPage([], size, after, mapContact);
    const rows = (await this.db.query(
      `SELECT c.*, ${SORT_AT} AS sort_at FROM contacts c WHERE ${where}
       ORDER BY c.created_at, c.id LIMIT ${sql.param(size + 1)}`,
      sql.values,
    )) as Array<Row & { sort_at: string; id: string }>;
    return toPage(rows, size, after, mapContact);
  }

  async count(filter: ContactFilter = {}): Promise<number> {
    const sql = new SqlParams();
    const where = this.where(sql, filter, null);
    if (where === null) return 0;
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM contacts c WHERE ${where}`, sql.values)) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }

  /** Contacts by id, merged ones included (a client may follow an old id to its master). */
  async byIds(ids: readonly string[]): Promise<ContactEntity[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = (await this.db.query(`SELECT * FROM contacts WHERE id = ANY($1::uuid[])`, [valid])) as Row[];
    return rows.map(mapContact);
  }

  /** For each master id, the ids of contacts merged into it, oldest first. */
  async mergedFrom(masterIds: readonly string[]): Promise<Map<string, string[]>> {
    const result = new Map<string, string[]>(masterIds.map((id) => [id, []]));
    const valid = masterIds.filter(isUuid);
    if (valid.length === 0) return result;
    const rows = (await this.db.query(
      `SELECT id, merged_into FROM contacts WHERE merged_into = ANY($1::uuid[]) ORDER BY created_at, id`,
      [valid],
    )) as Array<{ id: string; merged_into: string }>;
    for (const r of rows) result.get(r.merged_into)?.push(r.id);
    return result;
  }

  /** Field provenance of each record, by field name. */
  async provenance(recordIds: readonly string[]): Promise<Map<string, FieldProvenanceEntity[]>> {
    const result = new Map<string, FieldProvenanceEntity[]>(recordIds.map((id) => [id, []]));
    const valid = recordIds.filter(isUuid);
    if (valid.length === 0) return result;
    // Refused changes ride along in the same statement (a correlated aggregate), so asking for them costs no query.
    const rows = (await this.db.query(
      `SELECT p.*, (SELECT coalesce(jsonb_agg(jsonb_build_object('value', r.value, 'connectionId', r.connection_id, 'reason', r.reason, 'changedAt', r.changed_at) ORDER BY r.changed_at), '[]')
                    FROM rejected_changes r WHERE r.record_id = p.record_id AND r.field = p.field) AS rejected
       FROM field_provenance p WHERE p.record_id = ANY($1::uuid[]) ORDER BY p.record_id, p.field`,
      [valid],
    )) as Row[];
    for (const p of rows.map(mapProvenance)) result.get(p.recordId)?.push(p);
    return result;
  }

  /**
   * The first page of contacts of many companies in one statement (a window per company),
   * so a page of companies with their contacts costs a constant number of queries.
   */
  async firstPageOfCompanies(companyIds: readonly string[], first: number | null | undefined): Promise<Map<string, Page<ContactEntity>>> {
    const size = pageSize(first);
    const result = new Map<string, Page<ContactEntity>>();
    const valid = companyIds.filter(isUuid);
    const byCompany = new Map<string, Array<Row & { sort_at: string; id: string }>>(companyIds.map((id) => [id, []]));
    if (valid.length > 0 && size > 0) {
      const rows = (await this.db.query(
        `SELECT * FROM (
           SELECT c.*, ${SORT_AT} AS sort_at,
                  row_number() OVER (PARTITION BY c.company_id ORDER BY c.created_at, c.id) AS rn
           FROM contacts c
           WHERE c.company_id = ANY($1::uuid[]) AND c.merged_into IS NULL AND c.deleted_at IS NULL
         ) ranked WHERE rn <= $2 ORDER BY company_id, rn`,
        [valid, size + 1],
      )) as Array<Row & { sort_at: string; id: string; company_id: string }>;
      for (const r of rows) byCompany.get(r.company_id)?.push(r);
    }
    for (const [companyId, rows] of byCompany) result.set(companyId, toPage(rows, size, null, mapContact));
    return result;
  }

  /** Listed (not merged, not deleted) contacts per company, in one statement. */
  async countByCompanies(companyIds: readonly string[]): Promise<Map<string, number>> {
    const result = new Map<string, number>(companyIds.map((id) => [id, 0]));
    const valid = companyIds.filter(isUuid);
    if (valid.length === 0) return result;
    const rows = (await this.db.query(
      `SELECT company_id, count(*)::int AS n FROM contacts
       WHERE company_id = ANY($1::uuid[]) AND merged_into IS NULL AND deleted_at IS NULL GROUP BY company_id`,
      [valid],
    )) as Array<{ company_id: string; n: number }>;
    for (const r of rows) result.set(r.company_id, r.n);
    return result;
  }

  /** The WHERE clause for a filter, or null when the filter can match nothing (a malformed id). */
  private where(sql: SqlParams, filter: ContactFilter, after: SortKey | null): string | null {
    const clauses = ['c.merged_into IS NULL'];
    if (!filter.includeDeleted) clauses.push('c.deleted_at IS NULL');
    const search = filter.search?.trim();
    if (search) {
      if (search.length > MAX_SEARCH_LENGTH)
        throw new QueryInputError('search', `search is ${search.length} characters long (trimmed): at most ${MAX_SEARCH_LENGTH}`);
      // lower() LIKE a pattern lowered once: ILIKE lowers the pattern again for every row it
      // compares, so its cost grew with rows × pattern length (the same matches either way).
      const p = `lower(${sql.param(likePattern(search))})`;
      clauses.push(
        `(lower(c.email) LIKE ${p} OR lower(c.first_name) LIKE ${p} OR lower(c.last_name) LIKE ${p} OR lower(concat_ws(' ', c.first_name, c.last_name)) LIKE ${p})`,
      );
    }
    // Emails are stored normalized (lower-cased, trimmed), so the filter is normalized too.
    if (filter.email) clauses.push(`c.email = ${sql.param(filter.email.trim().toLowerCase())}`);
    if (filter.lifecycleStage) clauses.push(`c.lifecycle_stage = ${sql.param(filter.lifecycleStage)}`);
    if (filter.companyId) {
      if (!isUuid(filter.companyId)) return null;
      clauses.push(`c.company_id = ${sql.param(filter.companyId)}::uuid`);
    }
    if (filter.connectionId) {
      if (!isUuid(filter.connectionId)) return null;
      clauses.push(
        `EXISTS (SELECT 1 FROM source_links s WHERE s.record_id = c.id AND s.record_kind = 'CONTACT' AND s.connection_id = ${sql.param(filter.connectionId)}::uuid)`,
      );
    }
    if (after) clauses.push(`(c.created_at, c.id) > (${sql.param(after.at)}::timestamptz, ${sql.param(after.id)}::uuid)`);
    return clauses.join(' AND ');
  }
}
