/**
 * What people do to unified records by hand (SPEC §3): mark a field verified so no
 * automated sync overwrites it, make one connection authoritative for a field, soft-delete
 * and restore within the grace period, and purge what outlived it. Expected refusals are
 * returned as outcomes, not thrown.
 */
import type { DataSource } from 'typeorm';
import { COMPANY_FIELDS, CONTACT_FIELDS, type RecordKind } from '../model';
import { enqueueOutbound } from '../store/records/outbox-enqueue.repository';
import { deletedAtOf, purgeContactsDeletedBefore, setFieldVerified, softDeleteContact, undeleteContact, type ContactState } from '../store/records/contact-state.repository';
import { clearFieldOwner, connectionExists, setFieldOwner } from '../store/records/field-owner.repository';

export type { ContactState };

export const DELETE_GRACE_DAYS = 30;
const DAY_MS = 86_400_000;

export type CommandOutcome<T> = { ok: true; value: T } | { ok: false; reason: 'NOT_FOUND' | 'INVALID_FIELD' | 'GRACE_PERIOD_OVER' | 'NOT_DELETED'; message: string };

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
    return found(await setFieldVerified(this.db, contactId, field, verified), contactId);
  }

  async setFieldOwner(kind: RecordKind, field: string, ownerConnectionId: string | null): Promise<CommandOutcome<FieldOwnerState>> {
    if (!FIELDS[kind].includes(field)) return invalidField(kind, field);
    if (ownerConnectionId) {
      if (!(await connectionExists(this.db, ownerConnectionId))) return { ok: false, reason: 'NOT_FOUND', message: `connection ${ownerConnectionId} does not exist` };
      await setFieldOwner(this.db, kind, field, ownerConnectionId);
    } else {
      // No owner: the latest change wins again.
      await clearFieldOwner(this.db, kind, field);
    }
    return { ok: true, value: { kind, field, ownerConnectionId } };
  }

  /** Soft-deletes in the store; every connection is told (flag or archive there, per its deletePropagation). */
  async deleteContact(id: string): Promise<CommandOutcome<ContactState>> {
    return this.db.transaction(async (m) => {
      const outcome = found(await softDeleteContact(m, id, this.now()), id);
      if (outcome.ok) await enqueueOutbound(m, 'CONTACT', id, null, this.now());
      return outcome;
    });
  }

  async restoreContact(id: string): Promise<CommandOutcome<ContactState>> {
    const deletedAt = await deletedAtOf(this.db, id);
    if (deletedAt === undefined) return { ok: false, reason: 'NOT_FOUND', message: `contact ${id} does not exist` };
    if (!deletedAt) return { ok: false, reason: 'NOT_DELETED', message: `contact ${id} is not deleted` };
    if (this.now().getTime() - new Date(deletedAt).getTime() > DELETE_GRACE_DAYS * DAY_MS)
      return { ok: false, reason: 'GRACE_PERIOD_OVER', message: `contact ${id} was deleted more than ${DELETE_GRACE_DAYS} days ago and can no longer be restored` };
    // Every connection gets the record again: the flag cleared, or (where it was deleted or archived) written anew.
    return this.db.transaction(async (m) => {
      const outcome = found(await undeleteContact(m, id), id);
      if (outcome.ok) await enqueueOutbound(m, 'CONTACT', id, null, this.now());
      return outcome;
    });
  }

  /** Removes from the store (only) the contacts deleted longer ago than the grace period. */
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - DELETE_GRACE_DAYS * DAY_MS);
    return this.db.transaction((m) => purgeContactsDeletedBefore(m, cutoff));
  }
}

function invalidField(kind: RecordKind, field: string): CommandOutcome<never> {
  return { ok: false, reason: 'INVALID_FIELD', message: `"${field}" is not a ${kind.toLowerCase()} field; one of ${FIELDS[kind].join(', ')}` };
}

function found(state: ContactState | undefined, id: string): CommandOutcome<ContactState> {
  return state ? { ok: true, value: state } : { ok: false, reason: 'NOT_FOUND', message: `contact ${id} does not exist` };
}
