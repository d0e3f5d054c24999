/** Open duplicate candidates for the API: newest first, keyset-paged, each with its two contacts. */
import type { Queryable } from '../queryable';
import { decodeCursor, pageSize, sortAtSql, toPage, type Page, type PageArgs } from '../read-models/pagination';

export interface DuplicateCandidate {
  id: string;
  score: number;
  matchedOn: string[];
  contactIds: [string, string];
}

interface Row {
  id: string;
  score: number;
  matched_on: string[];
  contact_a: string;
  contact_b: string;
  sort_at: string;
}

const toCandidate = (r: Row): DuplicateCandidate => ({ id: r.id, score: Number(r.score), matchedOn: r.matched_on, contactIds: [r.contact_a, r.contact_b] });

export class DuplicateCandidateReadModel {
  constructor(private db: Queryable) {}

  async page(args: PageArgs): Promise<Page<DuplicateCandidate>> {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after);
    const params: unknown[] = [size + 1];
    let where = `d.status = 'OPEN'`;
    if (after) {
      params.push(after.at, after.id);
      where += ` AND (d.created_at, d.id) < ($2::timestamptz, $3::uuid)`;
    }
    const rows = (await this.db.query(`SELECT d.*, ${sortAtSql('d.created_at')} AS sort_at FROM duplicate_candidates d WHERE ${where} ORDER BY d.created_at DESC, d.id DESC LIMIT $1`, params)) as Row[];
    return toPage(rows, size, after, toCandidate);
  }

  async count(): Promise<number> {
    const rows = (await this.db.query(`SELECT count(*)::int AS n FROM duplicate_candidates WHERE status = 'OPEN'`)) as Array<{ n: number }>;
    return rows[0]?.n ?? 0;
  }
}
