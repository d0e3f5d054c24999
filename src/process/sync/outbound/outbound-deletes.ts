/**
 * Delete propagation (SPEC §3): a record deleted in the unified store is never hard-deleted
 * in the other CRMs. Per connection, `settings.deletePropagation` says what they get:
 *
 *   FLAG (default)  Junction's boolean flag field (Salesforce `Junction_Deleted__c`, HubSpot
 *                   `junction_deleted`, Dataverse `junction_deleted`) set through the normal
 *                   upsert, and cleared the same way when the record is restored. Every write
 *                   carries the flag, so it always says what the store says.
 *   ARCHIVE         the vendor's archive, where that archive is soft: HubSpot's (restorable in
 *                   HubSpot for 90 days). Salesforce's only API archive is a delete to the
 *                   recycle bin (purged after 15 days, no REST undelete) and Dataverse's is a
 *                   hard DELETE, so there ARCHIVE means FLAG. HubSpot has no API to unarchive:
 *                   a restored record is written again (upsert on junction_id), which creates
 *                   a new HubSpot record; the archived one stays in HubSpot's recycle bin.
 *   NONE            deletes are not propagated to this connection.
 *
 * The flag is not a mapped field, so it is neither read back nor part of the content hash:
 * a flagged record read back is Junction's own write (no echo), never a delete.
 */
import { crmModule } from '../../../system';
import type { ConnectionEntity } from '../../store/entities';

export const DELETE_PROPAGATION = ['FLAG', 'ARCHIVE', 'NONE'] as const;
export type DeletePropagation = (typeof DELETE_PROPAGATION)[number];

/** A connection setting Junction cannot act on; the run stops with this message and nothing is lost. */
export class InvalidConnectionSettingError extends Error {
  readonly code = 'INVALID_SETTING';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidConnectionSettingError';
  }
}

export function deletePropagationOf(connection: Pick<ConnectionEntity, 'name' | 'settings'>): DeletePropagation {
  const value = connection.settings?.deletePropagation;
  if (value === undefined || value === null) return 'FLAG';
  if (typeof value === 'string' && (DELETE_PROPAGATION as readonly string[]).includes(value)) return value as DeletePropagation;
  throw new InvalidConnectionSettingError(
    `connection "${connection.name}": settings.deletePropagation must be one of ${DELETE_PROPAGATION.join(', ')}; got ${JSON.stringify(value)}`,
  );
}

export interface DeletePlan {
  /** What a deleted record becomes in this connection. */
  action: DeletePropagation;
  /** The vendor field carrying the flag, when writes carry it. */
  flagField?: string;
}

export function deletePlanFor(connection: Pick<ConnectionEntity, 'name' | 'settings' | 'kind'>): DeletePlan {
  const descriptor = crmModule(connection.kind).descriptor;
  const wanted = deletePropagationOf(connection);
  const action = wanted === 'ARCHIVE' && !descriptor.archiveIsSoft ? 'FLAG' : wanted;
  return action === 'FLAG' ? { action, flagField: descriptor.deletedFlagField } : { action };
}
