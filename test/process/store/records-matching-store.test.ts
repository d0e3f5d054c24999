/**
 * The record and matching repositories where no API test pins a statement down row by row:
 * what a merge writes onto its master and what an undo puts back, the exact-key look-ups, the
 * fuzzy blocks, the candidates' pages, the purge and field owners. On PostgreSQL and PGlite.
 */
import { describe, expect, it } from 'vitest';
import { MergeService } from '../../../src/process/merge/merge.service';
import { DuplicateCandidateReadModel } from '../../../src/process/store/matching/duplicate-candidate.read-model';
import { fuzzyBlocks } from '../../../src/process/store/matching/duplicate-candidate.repository';
import { contactsSharingKey } from '../../../src/process/store/matching/exact-key.repository';
import { purgeContactsDeletedBefore } from '../../../src/process/store/records/contact-state.repository';
import { clearFieldOwner, setFieldOwner } from '../../../src/process/store/records/field-owner.repository';
import { insertCompany, insertConnection, insertContact, insertSourceLink } from '../../support/builders';
import { useDatabase } from '../../support/database';

const db = useDatabase({ resetEach: true });

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db.dataSource.query(text, params) as Promise<T[]>;
const provenance = (recordId: string, field: string, value: unknown, connectionId: string | null, changedAt: Date) =>
  sql(`INSERT INTO field_provenance (record_id, field, value, connection_id, changed_at) VALUES ($1, $2, $3, $4, $5)`, [recordId, field, JSON.stringify(value), connectionId, changedAt]);
const candidate = (a: string, b: string, createdAt = new Date(), status = 'OPEN') =>
  sql<{ id: string }>(`INSERT INTO duplicate_candidates (contact_a, contact_b, score, matched_on, status, created_at) VALUES ($1, $2, 0.9, '{name}', $3, $4) RETURNING id`, [
    a < b ? a : b,
    a < b ? b : a,
    status,
    createdAt,
  ]).then((r) => r[0]!.id);
/** Everything a merge touches and an undo restores, as comparable JSON. */
const state = async (ids: string[]) => ({
  contacts: await sql(`SELECT to_jsonb(c) AS j FROM contacts c WHERE id = ANY($1::uuid[]) ORDER BY id`, [ids]),
  provenance: await sql(`SELECT to_jsonb(p) AS j FROM field_provenance p WHERE record_id = ANY($1::uuid[]) ORDER BY record_id, field`, [ids]),
  links: await sql(`SELECT to_jsonb(l) AS j FROM source_links l WHERE record_id = ANY($1::uuid[]) ORDER BY id`, [ids]),
  candidates: await sql(`SELECT id, status FROM duplicate_candidates ORDER BY id`),
});

describe('merge and undo', () => {
  it('fills the master from the most recently changed duplicate, re-points earlier merges, and an undo puts every row back', async () => {
    const sf = await insertConnection(db.dataSource, { enabled: true });
    const hs = await insertConnection(db.dataSource, { kind: 'HUBSPOT', enabled: true });
    const company = await insertCompany(db.dataSource);
    const master = await insertContact(db.dataSource, { phone: null, city: null, verified_fields: ['email'] });
    const older = await insertContact(db.dataSource, { phone: '+12125550100', city: 'Paris', company_id: company, verified_fields: ['phone'] });
    const newer = await insertContact(db.dataSource, { phone: '+12125550199', verified_fields: ['city', 'email'] });
    const chained = await insertContact(db.dataSource);
    await sql(`UPDATE contacts SET merged_into = $1 WHERE id = $2`, [newer, chained]);
    await provenance(older, 'phone', '+12125550100', sf, new Date('2025-01-01T00:00:00Z'));
    await provenance(newer, 'phone', '+12125550199', hs, new Date('2025-02-01T00:00:00Z'));
    await insertSourceLink(db.dataSource, { record_id: newer, connection_id: hs });
    await candidate(master, older);
    const elsewhere = await candidate(chained, await insertContact(db.dataSource), new Date(), 'DISMISSED');
    const ids = [master, older, newer, chained];
    const before = await state(ids);

    const merges = new MergeService(db.dataSource);
    const result = await merges.merge(master, [older, newer]);
    expect(result).toMatchObject({ ok: true, masterId: master, mergedIds: [older, newer] });

    const [m] = await sql<{ phone: string; city: string; company_id: string; verified_fields: string[] }>(`SELECT phone, city, company_id, verified_fields FROM contacts WHERE id = $1`, [master]);
    expect(m).toEqual({ phone: '+12125550199', city: 'Paris', company_id: company, verified_fields: ['city', 'email', 'phone'] });
    expect(await sql(`SELECT connection_id, value FROM field_provenance WHERE record_id = $1 AND field = 'phone'`, [master])).toEqual([{ connection_id: hs, value: '+12125550199' }]);
    expect(await sql(`SELECT id, merged_into FROM contacts WHERE merged_into IS NOT NULL ORDER BY id`)).toEqual(
      [older, newer, chained].sort().map((id) => ({ id, merged_into: master })),
    );
    expect(await sql(`SELECT record_id FROM source_links`)).toEqual([{ record_id: master }]);
    expect((await state(ids)).candidates).toEqual(before.candidates.map((c) => (c.id === elsewhere ? c : { ...c, status: 'MERGED' })));
    expect(await sql(`SELECT count(*)::int AS n FROM outbox WHERE record_id = $1`, [master])).toEqual([{ n: 2 }]);

    expect(await merges.merge(master, [older])).toMatchObject({ ok: false, error: 'INVALID' });
    expect(await merges.undo(newer)).toEqual({ ok: true, masterId: master, restoredIds: [older, newer] });
    expect(await state(ids)).toEqual(before);
    expect(await merges.undo(newer)).toMatchObject({ ok: false, error: 'NOT_FOUND' });
  });
});

describe('exact keys', () => {
  it('groups live contacts sharing a key, oldest first, leaving out merged and deleted ones', async () => {
    const a = await insertContact(db.dataSource, { phone: '+12125550100' });
    const b = await insertContact(db.dataSource, { phone: '+12125550100' });
    await insertContact(db.dataSource, { phone: '+12125550100', deleted_at: new Date() });
    await insertContact(db.dataSource, { phone: '+12125550111' });
    await insertContact(db.dataSource, { phone: '+12125550111', merged_into: a });

    expect(await contactsSharingKey(db.dataSource, 'phone')).toEqual([[a, b]]);
  });
});

describe('fuzzy blocks', () => {
  it('holds the live people of a same-key company with the same initials, at most the limit', async () => {
    const initech = await insertCompany(db.dataSource, { name: 'Initech', name_key: 'initech' });
    const initechLlc = await insertCompany(db.dataSource, { name: 'Initech LLC', name_key: 'initech' });
    const other = await insertCompany(db.dataSource, { name: 'Globex', name_key: 'globex' });
    const self = await insertContact(db.dataSource, { first_name: 'Peter', last_name: 'Gibbons', company_id: initech });
    const peers = [
      await insertContact(db.dataSource, { first_name: 'Pete', last_name: 'Gibbon', company_id: initechLlc }),
      await insertContact(db.dataSource, { first_name: 'Paul', last_name: 'Gray', company_id: initech }),
    ];
    await insertContact(db.dataSource, { first_name: 'Peter', last_name: 'Gibbons', company_id: other });
    await insertContact(db.dataSource, { first_name: 'Milton', last_name: 'Gibbons', company_id: initech });
    await insertContact(db.dataSource, { first_name: 'Peter', last_name: 'Gibbons', company_id: initech, deleted_at: new Date() });
    const noCompany = await insertContact(db.dataSource, { first_name: 'Peter', last_name: 'Gibbons' });

    const [block, ...rest] = await fuzzyBlocks(db.dataSource, [self, noCompany], 50);
    expect(rest).toEqual([]);
    expect(block!.self).toEqual({ id: self, firstName: 'Peter', lastName: 'Gibbons', companyKey: 'initech' });
    expect(block!.others.map((p) => p.id).sort()).toEqual([...peers].sort());
    expect(block!.others.every((p) => p.companyKey === 'initech')).toBe(true);
    expect((await fuzzyBlocks(db.dataSource, [self], 1))[0]!.others).toHaveLength(1);
  });
});

describe('duplicate candidates read model', () => {
  it('pages open candidates newest first and counts them', async () => {
    const c = await Promise.all([1, 2, 3, 4, 5].map(() => insertContact(db.dataSource)));
    const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute));
    const first = await candidate(c[0]!, c[1]!, at(1));
    const second = await candidate(c[1]!, c[2]!, at(2));
    await candidate(c[2]!, c[3]!, at(3), 'DISMISSED');
    const newest = await candidate(c[3]!, c[4]!, at(4));
    const model = new DuplicateCandidateReadModel(db.dataSource);

    const page1 = await model.page({ first: 2 });
    expect(page1.nodes.map((n) => n.id)).toEqual([newest, second]);
    expect(page1.nodes[0]).toMatchObject({ score: 0.9, matchedOn: ['name'], contactIds: [c[3]!, c[4]!].sort() });
    expect(page1.hasNextPage).toBe(true);
    const page2 = await model.page({ first: 2, after: page1.cursors[1] });
    expect(page2.nodes.map((n) => n.id)).toEqual([first]);
    expect(page2).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(await model.count()).toBe(3);
  });
});

describe('purge and field owners', () => {
  it('purges contacts deleted before the cutoff with their links, provenance and deliveries, releasing contacts merged into them', async () => {
    const connection = await insertConnection(db.dataSource);
    const cutoff = new Date('2025-01-31T00:00:00Z');
    const expired = await insertContact(db.dataSource, { deleted_at: new Date('2025-01-01T00:00:00Z') });
    const recent = await insertContact(db.dataSource, { deleted_at: new Date('2025-02-15T00:00:00Z') });
    const mergedIntoExpired = await insertContact(db.dataSource, { merged_into: expired });
    await insertSourceLink(db.dataSource, { record_id: expired, connection_id: connection });
    await provenance(expired, 'email', 'x@example.com', connection, cutoff);
    await sql(`INSERT INTO outbox (connection_id, record_kind, record_id) VALUES ($1, 'CONTACT', $2)`, [connection, expired]);

    expect(await db.dataSource.transaction((m) => purgeContactsDeletedBefore(m, cutoff))).toBe(1);
    expect(await sql(`SELECT id, merged_into FROM contacts ORDER BY id`)).toEqual([recent, mergedIntoExpired].sort().map((id) => ({ id, merged_into: null })));
    for (const table of ['source_links', 'field_provenance', 'outbox']) expect(await sql(`SELECT count(*)::int AS n FROM ${table}`)).toEqual([{ n: 0 }]);
    expect(await purgeContactsDeletedBefore(db.dataSource, cutoff)).toBe(0);
  });

  it('sets, replaces and clears the owner of a field', async () => {
    const a = await insertConnection(db.dataSource);
    const b = await insertConnection(db.dataSource);
    const owners = () => sql(`SELECT record_kind, field, owner_connection_id FROM field_owners ORDER BY record_kind, field`);
    await setFieldOwner(db.dataSource, 'CONTACT', 'phone', a);
    await setFieldOwner(db.dataSource, 'CONTACT', 'phone', b);
    await setFieldOwner(db.dataSource, 'COMPANY', 'domain', a);
    expect(await owners()).toEqual([
      { record_kind: 'COMPANY', field: 'domain', owner_connection_id: a },
      { record_kind: 'CONTACT', field: 'phone', owner_connection_id: b },
    ]);
    await clearFieldOwner(db.dataSource, 'CONTACT', 'phone');
    expect(await owners()).toEqual([{ record_kind: 'COMPANY', field: 'domain', owner_connection_id: a }]);
  });
});
