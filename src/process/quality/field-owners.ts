/** Field owner rules (SPEC §3 conflict resolution), as the pipeline needs them for one record kind. */
import type { EntityManager } from 'typeorm';
import type { RecordKind } from '../model';
import type { ResolutionRules } from '../resolve/field-resolver';

export async function loadResolutionRules(m: Pick<EntityManager, 'query'>, kind: RecordKind): Promise<ResolutionRules> {
  const rows = (await m.query(`SELECT field, owner_connection_id FROM field_owners WHERE record_kind = $1`, [kind])) as Array<{ field: string; owner_connection_id: string | null }>;
  return { owners: new Map(rows.map((r) => [r.field, r.owner_connection_id])), verified: new Set<string>() };
}
