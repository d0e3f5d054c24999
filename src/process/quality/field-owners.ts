/** Field owner rules (SPEC §3 conflict resolution), as the pipeline needs them for one record kind. */
import type { RecordKind } from '../model';
import type { ResolutionRules } from '../resolve/field-resolver';
import type { Queryable } from '../store/queryable';
import { fieldOwners } from '../store/records/field-owner.repository';

export async function loadResolutionRules(m: Pick<Queryable, 'query'>, kind: RecordKind): Promise<ResolutionRules> {
  return { owners: await fieldOwners(m, kind), verified: new Set<string>() };
}
