/**
 * The CRM kinds stored connections name, deleted ones (tombstones) included: the database no
 * longer checks a kind against a fixed list, so start-up checks each against the registry
 * (connections/crm-registry-check.ts).
 */
import type { Queryable } from './queryable';

export interface StoredKind {
  kind: string;
  /** The connections of that kind, by name. */
  names: string[];
}

export async function storedConnectionKinds(db: Queryable): Promise<StoredKind[]> {
  return (await db.query(`SELECT kind, array_agg(name ORDER BY name) AS names FROM connections GROUP BY kind ORDER BY kind`)) as StoredKind[];
}
