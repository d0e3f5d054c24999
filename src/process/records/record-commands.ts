/**
 * What people do to unified records by hand (SPEC §3): mark a field verified so no
 * automated sync overwrites it, make one connection authoritative for a field, soft-delete
 * and restore within the grace period, and purge what outlived it. Expected refusals are
 * returned as outcomes, not thrown.
 */
import type { DataSource } from 'typeorm';
import { COMPANY_FIELDS, CONTACT_FIELDS, type RecordKind } from '../model';
import { enqueueOutbound } from '../store/record-store';

export const DELETE_GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

export type CommandOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'NOT_FOUND' | 'INVALID_FIELD' | 'GRACE_PERIOD_OVER' | 'NOT_DELETED'; message: string };

export interface ContactState {
  id: string;
  verifiedFields: string[];
  deletedAt: Date | null;
}

export interface FieldOwnerState {
  kind: RecordKind;
  field: string;
  ownerConnectionId: string | null;
}

const FIELDS: Record<RecordKind, readonly string[]> = { CONTACT: CONTACT_FIELDS, COMPANY: COMPANY_FIELDS };

export class RecordCommands {
  constructor(
    private db: DataSource,
    private now: () => Date = () => new Date(),
  ) {}

  async verifyField(contactId: string, field: string, verified: boolean): Promise<CommandOutcome<ContactState>> {
    if (!CONTACT_FIELDS.includes(field as never)) return invalidField('CONTACT', field);
    const rows = (await this.db.query(
      `UPDATE contacts SET verified_fields = CASE WHEN $3 THEN array(SELECT DISTINCT unnest(verified_fields || ARRAY[$2::text]) ORDER BY 1)
         ELSE array_remove(verified_fields, $2::text) END, updated_at = now()
       WHERE id = $1 RETURNING id, verified_fields, deleted_at`,
      [contactId, field, verified],
    )) as [Array<Record<string, unknown>>, number];
    return single(rows, contactId);
  }

  async setFieldOwner(kind: RecordKind, field: string, ownerConnectionId: string | null): Promise<CommandOutcome<FieldOwnerState>> {
    if (!FIELDS[kind].includes(field)) return invalidField(kind, field);
    if (ownerConnectionId) {
      const exists = (await this.db.query(`SELECT 1 FROM connections WHERE id = $1`, [ownerConnectionId])) as unknown[];
      if (!exists.length) return { ok: false, reason: 'NOT_FOUND', message: `connection ${ownerConnectionId} does not exist` };
      await this.db.query(
        `INSERT INTO field_owners (record_kind, field, owner_connection_id) VALUES ($1, $2, $3)
         ON CONFLICT (record_kind, field) DO UPDATE SET owner_connection_id = EXCLUDED.owner_connection_id`,
        [kind, field, ownerConnectionId],
      );
    } else {
      // No owner: the latest change wins again.
      await this.db.query(`DELETE FROM field_owners WHERE record_kind = $1 AND field = $2`, [kind, field]);
    }
    return { ok: true, value: { kind, field, ownerConnectionId } };
  }

  /** Soft-deletes in the store; every connection is told (flag or archive there, per its deletePropagation). */
  async deleteContact(id: string): Promise<CommandOutcome<ContactState>> {
    return this.db.transaction(async (m) => {
      const rows = (await m.query(
        `UPDATE contacts SET deleted_at = coalesce(deleted_at, $2), updated_at = now() WHERE id = $1 RETURNING id, verified_fields, deleted_at`,
        [id, this.now()],
      )) as [Array<Record<string, unknown>>, number];
      const outcome = single(rows, id);
      if (outcome.ok) await enqueueOutbound(m, 'CONTACT', id, null, this.now());
      return outcome;
    });
  }

  async restoreContact(id: string): Promise<CommandOutcome<ContactState>> {
    const found = (await this.db.query(`SELECT deleted_at FROM contacts WHERE id = $1`, [id])) as Array<{ deleted_at: Date | null }>;
    if (!found[0]) return { ok: false, reason: 'NOT_FOUND', message: `contact ${id} does not exist` };
    const deletedAt = found[0].deleted_at;
    if (!deletedAt) return { ok: false, reason: 'NOT_DELETED', message: `contact ${id} is not deleted` };
    if (this.now().getTime() - new Date(deletedAt).getTime() > DELETE_GRACE_DAYS * DAY_MS)
      return { ok: false, reason: 'GRACE_PERIOD_OVER', message: `contact ${id} was deleted more than ${DELETE_GRACE_DAYS} days ago and can no longer be restored` };
    // Every connection gets the record again: the flag cleared, or (where it was deleted or archived) written anew.
    return this.db.transaction(async (m) => {
      const rows = (await m.query(`UPDATE contacts SET deleted_at = NULL, updated_at = now() WHERE id = $1 RETURNING id, verified_fields, deleted_at`, [id])) as [
        Array<Record<string, unknown>>,
        number,
      ];
      const outcome = single(rows, id);
      if (outcome.ok) await enqueueOutbound(m, 'CONTACT', id, null, this.now());
      return outcome;
    });
  }

  /** Removes from the store (only) the contacts deleted longer ago than the grace period. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - DELETE_GRACE_DAYS * DAY_MS);
    return this.db.transaction(async (m) => {
      const ids = ((await m.query(`SELECT id FROM contacts WHERE deleted_at < $1`, [cutoff])) as Array<{ id: string }>).map((r) => r.id);
      if (!ids.length) return 0;
      await m.query(`DELETE FROM source_links WHERE record_id = ANY($1::uuid[])`, [ids]);
      await m.query(`DELETE FROM field_provenance WHERE record_id = ANY($1::uuid[])`, [ids]);
      await m.query(`DELETE FROM outbox WHERE record_id = ANY($1::uuid[])`, [ids]);
      await m.query(`UPDATE contacts SET merged_into = NULL WHERE merged_into = ANY($1::uuid[])`, [ids]);
      await m.query(`DELETE FROM contacts WHERE id = ANY($1::uuid[])`, [ids]);
      return ids.length;
    });
  }
}

function invalidField(kind: RecordKind, field: string): CommandOutcome<never> {
  return { ok: false, reason: 'INVALID_FIELD', message: `"${field}" is not a ${kind.toLowerCase()} field; one of ${FIELDS[kind].join(', ')}` };
}

/** UPDATE … RETURNING through TypeORM answers [rows, count]. */
function single(result: [Array<Record<string, unknown>>, number], id: string): CommandOutcome<ContactState> {
  const row = result[0][0];
  if (!row) return { ok: false, reason: 'NOT_FOUND', message: `contact ${id} does not exist` };
  return { ok: true, value: { id: row.id as string, verifiedFields: (row.verified_fields as string[]) ?? [], deletedAt: (row.deleted_at as Date | null) ?? null } };
}
