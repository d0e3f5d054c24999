/**
 * The data-quality store, statement by statement, on PostgreSQL and PGlite: the quarantine
 * queue's files and an operator's lock/settle/discard (UPDATE … RETURNING answers differ by
 * driver), the rules' stamp, field owners, the UNIQUE holders and partner idempotency keys.
 * The API and sync tests (test/quality/) cover the same statements through whole flows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { claimIdempotencyKey, priorUseOfKey, saveKeyResponse } from '../../../src/process/store/partner/idempotency-key.repository';
import { fieldOwners } from '../../../src/process/store/records/field-owner.repository';
import {
  discardQuarantineEntry,
  linkedRecordId,
  lockQuarantineEntry,
  pendingEntryOf,
  quarantineRecord,
  resolveQuarantined,
  settleQuarantineEntry,
} from '../../../src/process/store/quality/quarantine.repository';
import { QuarantineReadModel } from '../../../src/process/store/quality/quarantine.read-model';
import { holdersOf, storesField, valueHeldByAnother } from '../../../src/process/store/quality/unique-value.repository';
import {
  saveValidationRule,
  setValidationRuleEnabled,
  validationRulesStamp,
} from '../../../src/process/store/quality/validation-rule.repository';
import { insertConnection, insertContact, insertSourceLink } from '../../support/builders';
import { restoreDefaultRules } from '../../quality/support/rules';
import { useDatabase } from '../../support/database';

const db = useDatabase({ resetEach: true });

// validation_rules is reference data, not reset between files: the rule added here goes (before useDatabase closes the store: after-hooks run last-registered first).
afterAll(() => restoreDefaultRules(db.dataSource));

const ISSUE = [{ field: 'email', rule: 'FORMAT' as const, message: 'bad email' }];

describe('quarantine repository', () => {
  it('keeps one PENDING entry per remote record, and keeps a discarded payload out', async () => {
    const connection = await insertConnection(db.dataSource);
    const bad = { connectionId: connection, recordKind: 'CONTACT' as const, remoteType: 'Contact', remoteId: '003A', payload: { Email: 'x', __modifiedAt: '1' }, issues: ISSUE };
    const first = await quarantineRecord(db.dataSource, bad);
    const again = await quarantineRecord(db.dataSource, { ...bad, payload: { Email: 'y', __modifiedAt: '2' } });
    expect(again).toEqual({ id: first.id, discarded: false });

    const discarded = await db.dataSource.transaction(async (m) => discardQuarantineEntry(m, first.id, 'spam'));
    expect(discarded).toMatchObject({ id: first.id, status: 'DISCARDED', reason: 'spam', payload: { Email: 'y' } });
    // The same content read again (another __modifiedAt) stays discarded; a changed one is new.
    expect(await quarantineRecord(db.dataSource, { ...bad, payload: { Email: 'y', __modifiedAt: '3' } })).toEqual({ id: first.id, discarded: true });
    const changed = await quarantineRecord(db.dataSource, { ...bad, payload: { Email: 'z' } });
    expect(changed.id).not.toBe(first.id);
  });

  it('keeps one entry for the same payload without a remote id (partner records)', async () => {
    const partner = { connectionId: null, recordKind: 'CONTACT' as const, remoteType: 'partner', remoteId: null, payload: { email: 'x' }, issues: ISSUE };
    const first = await quarantineRecord(db.dataSource, partner);
    const again = await quarantineRecord(db.dataSource, { ...partner, issues: [] });
    expect(again.id).toBe(first.id);
    const locked = await db.dataSource.transaction((m) => lockQuarantineEntry(m, first.id));
    expect(locked).toMatchObject({ entry: { id: first.id, connectionId: null, issues: [], status: 'PENDING' }, source: null });
  });

  it('resolves the PENDING entries of records that now apply, and returns them', async () => {
    const connection = await insertConnection(db.dataSource);
    const entry = (remoteId: string) => ({ connectionId: connection, recordKind: 'CONTACT' as const, remoteType: 'Contact', remoteId, payload: {}, issues: ISSUE });
    const a = await quarantineRecord(db.dataSource, entry('A'));
    await quarantineRecord(db.dataSource, entry('B'));
    expect(await resolveQuarantined(db.dataSource, connection, 'Contact', [])).toEqual([]);
    expect(await resolveQuarantined(db.dataSource, connection, 'Contact', ['A', 'C'])).toEqual([{ id: a.id, remoteId: 'A' }]);
    expect(await resolveQuarantined(db.dataSource, connection, 'Contact', ['A'])).toEqual([]);
    expect((await new QuarantineReadModel(db.dataSource).byId(a.id))?.status).toBe('RESOLVED');
    expect(await pendingEntryOf(db.dataSource, connection, 'Contact', 'A')).toBeNull();
    expect((await pendingEntryOf(db.dataSource, connection, 'Contact', 'B'))?.remoteId).toBe('B');
  });

  it('locks an entry with the connection it came from, and settles it as RESOLVED or still PENDING', async () => {
    const connection = await insertConnection(db.dataSource, { kind: 'HUBSPOT', settings: { customFields: [] } });
    const { id } = await quarantineRecord(db.dataSource, { connectionId: connection, recordKind: 'CONTACT', remoteType: 'contacts', remoteId: '17', payload: { email: 'x' }, issues: ISSUE });
    const locked = await db.dataSource.transaction((m) => lockQuarantineEntry(m, id));
    expect(locked?.source).toMatchObject({ kind: 'HUBSPOT', settings: { customFields: [] } });
    expect(locked?.entry).toMatchObject({ id, connectionId: connection, remoteType: 'contacts', remoteId: '17', payload: { email: 'x' } });
    expect(await db.dataSource.transaction((m) => lockQuarantineEntry(m, '00000000-0000-0000-0000-000000000000'))).toBeNull();

    const still = await db.dataSource.transaction((m) => settleQuarantineEntry(m, id, { email: 'still bad' }, { issues: ISSUE }));
    expect(still).toMatchObject({ status: 'PENDING', reason: null, recordId: null, payload: { email: 'still bad' }, issues: ISSUE });
    const contact = await insertContact(db.dataSource);
    await insertSourceLink(db.dataSource, { connection_id: connection, record_id: contact, remote_type: 'contacts', remote_id: '17' });
    expect(await linkedRecordId(db.dataSource, connection, 'contacts', '17')).toBe(contact);
    expect(await linkedRecordId(db.dataSource, connection, 'contacts', '18')).toBeUndefined();
    const landed = await db.dataSource.transaction((m) => settleQuarantineEntry(m, id, { email: 'ok@example.com' }, { recordId: contact, issues: [] }));
    expect(landed).toMatchObject({ status: 'RESOLVED', reason: 'fixed and retried', recordId: contact, issues: [] });
  });
});

describe('validation rule repository', () => {
  it('changes its stamp on every edit, and finds no rule for an unknown id', async () => {
    const before = await validationRulesStamp(db.dataSource);
    const rule = await saveValidationRule(db.dataSource, { recordKind: 'CONTACT', field: 'badge', rule: 'REQUIRED', params: {}, enabled: true });
    const added = await validationRulesStamp(db.dataSource);
    expect(added).not.toBe(before);
    expect(await setValidationRuleEnabled(db.dataSource, rule.id, false)).toMatchObject({ id: rule.id, enabled: false, field: 'badge' });
    expect(await validationRulesStamp(db.dataSource)).not.toBe(added);
    expect(await setValidationRuleEnabled(db.dataSource, '00000000-0000-0000-0000-000000000000', true)).toBeUndefined();
  });
});

describe('field owners', () => {
  it('maps each field of a kind to its owning connection', async () => {
    const connection = await insertConnection(db.dataSource);
    await db.dataSource.query(`INSERT INTO field_owners (record_kind, field, owner_connection_id) VALUES ('CONTACT', 'email', $1), ('COMPANY', 'domain', $1)`, [connection]);
    expect(await fieldOwners(db.dataSource, 'CONTACT')).toEqual(new Map([['email', connection]]));
  });
});

describe('unique values', () => {
  it('finds live holders of a value, by column or custom field, and excuses the same person', async () => {
    const holder = await insertContact(db.dataSource, { email: 'a@example.com', phone: '+12125550100', custom: { badge: 'B-1' } });
    await insertContact(db.dataSource, { email: 'gone@example.com', custom: { badge: 'B-1' }, merged_into: holder });
    expect(await valueHeldByAnother(db.dataSource, 'CONTACT', 'custom.badge', 'B-1', null, { email: 'b@example.com' })).toBe(true);
    expect(await valueHeldByAnother(db.dataSource, 'CONTACT', 'custom.badge', 'B-1', holder, {})).toBe(false);
    expect(await valueHeldByAnother(db.dataSource, 'CONTACT', 'custom.badge', 'B-1', null, { phone: '+12125550100' })).toBe(false);
    expect(await valueHeldByAnother(db.dataSource, 'CONTACT', 'email', 'a@example.com', null, {})).toBe(true);
    expect(await valueHeldByAnother(db.dataSource, 'CONTACT', 'noSuchField', 'x', null, {})).toBe(false);
    expect(storesField('CONTACT', 'noSuchField')).toBe(false);
    expect(await holdersOf(db.dataSource, 'CONTACT', 'custom.badge', ['B-1', 'B-2'])).toEqual([
      { id: holder, v: 'B-1', email: 'a@example.com', phone: '+12125550100', linkedinUrl: null },
    ]);
  });
});

describe('idempotency keys', () => {
  it('is claimed once; the stored answer is what a replay reads', async () => {
    expect(await claimIdempotencyKey(db.dataSource, 'scope:k', 'hash-1')).toBe(true);
    expect(await claimIdempotencyKey(db.dataSource, 'scope:k', 'hash-2')).toBe(false);
    expect(await priorUseOfKey(db.dataSource, 'scope:k')).toEqual({ requestHash: 'hash-1', response: null });
    await saveKeyResponse(db.dataSource, 'scope:k', { results: [{ index: 0 }] });
    expect(await priorUseOfKey(db.dataSource, 'scope:k')).toEqual({ requestHash: 'hash-1', response: { results: [{ index: 0 }] } });
    expect(await priorUseOfKey(db.dataSource, 'scope:other')).toBeUndefined();
  });
});
