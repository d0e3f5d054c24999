/**
 * The repositories an inbound page writes through (store/pages/), statement by statement,
 * on rows placed at their edges: set-based record writes, natural-key matches, provenance,
 * refused changes and the source links a page reads and moves. On PostgreSQL and PGlite.
 */
import { describe, expect, it } from 'vitest';
import { provenanceOfRecords, writeProvenance } from '../../../src/process/store/pages/field-provenance.repository';
import { insertRecords, softDeleteRecords, updateRecords } from '../../../src/process/store/pages/page-records.repository';
import { companiesByKeys, contactsByExactKeys } from '../../../src/process/store/pages/record-match.repository';
import { recordRejections } from '../../../src/process/store/pages/rejected-change.repository';
import { linksByRemoteId, moveLinkToConverted, unlinkRemoteIds } from '../../../src/process/store/pages/source-link.repository';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../../support/builders';
import { useDatabase } from '../../support/database';

const ID = (n: number) => `00000000-0000-7000-8000-${String(n).padStart(12, '0')}`;
const AT = new Date('2025-02-01T10:00:00.000Z');

const db = useDatabase({ resetEach: true });

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db.dataSource.query(text, params) as Promise<T[]>;

describe('page records', () => {
  it('inserts in the given order with defaults, custom values and the extra column; updates only what is given; a soft delete keeps its first time', async () => {
    const company = await insertCompany(db.dataSource, { name: 'Acme' });
    await insertRecords(db.dataSource, 'CONTACT', [
      { id: ID(2), values: { email: 'b@example.com', lastName: 'B', 'custom.tier': 'gold' }, companyId: company },
      { id: ID(1), values: { email: 'a@example.com', lastName: 'A', lifecycleStage: 'LEAD' } },
    ]);
    await insertRecords(db.dataSource, 'COMPANY', [{ id: ID(3), values: { name: 'Globex' }, nameKey: 'globex' }]);
    const contacts = await sql(`SELECT id, lifecycle_stage, company_id, custom FROM contacts ORDER BY created_at`);
    expect(contacts).toEqual([
      { id: ID(2), lifecycle_stage: 'CONTACT', company_id: company, custom: { tier: 'gold' } },
      { id: ID(1), lifecycle_stage: 'LEAD', company_id: null, custom: {} },
    ]);
    expect(await sql(`SELECT name, name_key FROM companies WHERE id = $1`, [ID(3)])).toEqual([{ name: 'Globex', name_key: 'globex' }]);

    await updateRecords(db.dataSource, 'CONTACT', [
      { id: ID(2), values: { lastName: 'Bee', 'custom.size': 'L' } },
      { id: ID(1), values: { title: null }, companyId: company },
    ]);
    expect(await sql(`SELECT id, email, last_name, title, company_id, custom FROM contacts ORDER BY created_at`)).toEqual([
      { id: ID(2), email: 'b@example.com', last_name: 'Bee', title: null, company_id: company, custom: { tier: 'gold', size: 'L' } },
      { id: ID(1), email: 'a@example.com', last_name: 'A', title: null, company_id: company, custom: {} },
    ]);

    const later = new Date(AT.getTime() + 60_000);
    await softDeleteRecords(db.dataSource, 'CONTACT', [{ id: ID(1), at: AT }]);
    await softDeleteRecords(db.dataSource, 'CONTACT', [{ id: ID(1), at: later }, { id: ID(2), at: later }]);
    const deleted = await sql<{ id: string; deleted_at: Date }>(`SELECT id, deleted_at FROM contacts ORDER BY created_at`);
    expect(deleted.map((r) => [r.id, new Date(r.deleted_at).toISOString()])).toEqual([
      [ID(2), later.toISOString()],
      [ID(1), AT.toISOString()],
    ]);
  });
});

describe('record matches', () => {
  it('finds unmerged contacts by any exact key, oldest first, and live companies by name key or domain', async () => {
    const older = await insertContact(db.dataSource, { email: 'same@example.com', phone: null });
    const newer = await insertContact(db.dataSource, { email: 'other@example.com', phone: '+14155550100' });
    await insertContact(db.dataSource, { email: 'same@example.com', merged_into: older });
    const found = await contactsByExactKeys(db.dataSource, [['same@example.com'], ['+14155550100'], []]);
    expect(found).toEqual([
      { id: older, email: 'same@example.com', phone: null, linkedinUrl: null },
      { id: newer, email: 'other@example.com', phone: '+14155550100', linkedinUrl: null },
    ]);

    const byName = await insertCompany(db.dataSource, { name: 'Acme', name_key: 'acme' });
    const byDomain = await insertCompany(db.dataSource, { name: 'Other', domain: 'acme.example' });
    await insertCompany(db.dataSource, { name: 'Acme', name_key: 'acme', deleted_at: AT });
    const companies = await companiesByKeys(db.dataSource, ['acme'], ['acme.example']);
    expect(companies.map((c) => c.id).sort()).toEqual([byName, byDomain].sort());
    expect(companies.find((c) => c.id === byName)).toEqual({ id: byName, nameKey: 'acme', domain: null });
  });
});

describe('field provenance', () => {
  it('inserts a new record’s rows, upserts a changed one’s, and reads them back per field', async () => {
    const connection = await insertConnection(db.dataSource);
    await writeProvenance(db.dataSource, [{ recordId: ID(1), field: 'email', value: 'a@example.com', connectionId: connection, changedAt: AT }], true);
    const later = new Date(AT.getTime() + 1000);
    await writeProvenance(db.dataSource, [
      { recordId: ID(1), field: 'email', value: 'b@example.com', connectionId: null, changedAt: later },
      { recordId: ID(1), field: 'phone', value: null, connectionId: connection, changedAt: AT },
    ], false);
    const rows = await provenanceOfRecords(db.dataSource, [ID(1), ID(2)]);
    expect(rows.sort((a, b) => a.field.localeCompare(b.field))).toEqual([
      { recordId: ID(1), field: 'email', connectionId: null, changedAt: later },
      { recordId: ID(1), field: 'phone', connectionId: connection, changedAt: AT },
    ]);
    expect(await sql(`SELECT value FROM field_provenance WHERE field = 'email'`)).toEqual([{ value: 'b@example.com' }]);
    expect(await provenanceOfRecords(db.dataSource, [])).toEqual([]);
  });
});

describe('refused changes', () => {
  it('answers a record once per refused value: the same value again is no news, another value is', async () => {
    const connection = await insertConnection(db.dataSource);
    const refuse = (value: string) => recordRejections(db.dataSource, connection, [{ recordId: ID(1), field: 'email', value, reason: 'VERIFIED', changedAt: AT }]);
    expect([...(await refuse('x@example.com'))]).toEqual([ID(1)]);
    expect([...(await refuse('x@example.com'))]).toEqual([]);
    expect([...(await refuse('y@example.com'))]).toEqual([ID(1)]);
    expect(await sql(`SELECT value, reason FROM rejected_changes`)).toEqual([{ value: 'y@example.com', reason: 'VERIFIED' }]);
  });
});

describe('source links of a page', () => {
  it('reads links by remote id, removes them, and moves a converted record’s link unless the new one is linked already', async () => {
    const connection = await insertConnection(db.dataSource);
    const contact = await insertContact(db.dataSource);
    const other = await insertContact(db.dataSource);
    await insertSourceLink(db.dataSource, { connection_id: connection, record_id: contact, remote_type: 'Lead', remote_id: '00Q1', content_hash: 'h1' });
    await insertSourceLink(db.dataSource, { connection_id: connection, record_id: other, remote_type: 'Lead', remote_id: '00Q2' });
    await insertSourceLink(db.dataSource, { connection_id: connection, record_id: other, remote_type: 'Contact', remote_id: '0032' });

    const links = await linksByRemoteId(db.dataSource, connection, 'Lead', ['00Q1', '00Q2', '00Q9']);
    expect([...links.values()].sort((a, b) => a.remoteId.localeCompare(b.remoteId))).toEqual([
      { remoteId: '00Q1', recordId: contact, contentHash: 'h1' },
      { remoteId: '00Q2', recordId: other, contentHash: null },
    ]);

    await moveLinkToConverted(db.dataSource, connection, { remoteType: 'Lead', remoteId: '00Q1' }, { remoteType: 'Contact', remoteId: '0031' }, contact, AT);
    await moveLinkToConverted(db.dataSource, connection, { remoteType: 'Lead', remoteId: '00Q2' }, { remoteType: 'Contact', remoteId: '0032' }, contact, AT);
    expect(await sql(`SELECT remote_type, remote_id, record_id, content_hash FROM source_links ORDER BY remote_id`)).toEqual([
      { remote_type: 'Contact', remote_id: '0031', record_id: contact, content_hash: null },
      { remote_type: 'Contact', remote_id: '0032', record_id: other, content_hash: null },
    ]);

    await unlinkRemoteIds(db.dataSource, connection, 'Contact', ['0031']);
    expect(await sql(`SELECT remote_id FROM source_links`)).toEqual([{ remote_id: '0032' }]);
  });
});
