/**
 * Hand edits against a live two-CRM sync: verified fields and field owners survive automated
 * updates from every CRM; soft delete, restore within the grace period, purge after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordCommands } from '../../src/process/records/record-commands';
import type { CrmKind } from '../../src/system';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

const DAY = 86_400_000;

describe('record commands', () => {
  let h: SyncHarness;
  let api: Harness;
  let contactId: string;
  let links: Map<CrmKind, { remoteId: string; remoteType: string }>;

  const value = async (column: string) => ((await h.db.dataSource.query(`SELECT ${column} AS v FROM contacts WHERE id = $1`, [contactId])) as Array<{ v: string }>)[0]!.v;
  const editRemote = async (kind: CrmKind, fields: Record<string, string>) => {
    const conn = (await h.connections.get(h.connectionIds.get(kind)!))!;
    const link = links.get(kind)!;
    const [r] = await h.connections.adapterFor(conn).upsert(link.remoteType, [{ remoteId: link.remoteId, junctionId: contactId, fields }]);
    expect(r!.ok).toBe(true);
  };
  const settle = async () => {
    for (let i = 0; i < 3; i++) await h.syncAll();
  };

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 12, crms: ['SALESFORCE', 'HUBSPOT'] });
    api = await startHarness(h.db, { connections: h.connections });
    await settle();
    const shared = (await h.db.dataSource.query(
      `SELECT record_id FROM source_links WHERE record_kind = 'CONTACT' GROUP BY record_id HAVING count(DISTINCT connection_id) = 2 LIMIT 1`,
    )) as Array<{ record_id: string }>;
    contactId = shared[0]!.record_id;
    const rows = (await h.db.dataSource.query(`SELECT connection_id, remote_id, remote_type FROM source_links WHERE record_id = $1`, [contactId])) as Array<{
      connection_id: string;
      remote_id: string;
      remote_type: string;
    }>;
    links = new Map([...h.connectionIds].map(([kind, id]) => {
      const l = rows.find((r) => r.connection_id === id)!;
      return [kind, { remoteId: l.remote_id, remoteType: l.remote_type }];
    }));
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('a verified phone survives automated updates from every CRM', async () => {
    const phone = await value('phone');
    const denied = await gql(api.url, 'mutation($id: ID!) { verifyField(contactId: $id, field: "phone", verified: true) { id } }', { id: contactId }, await api.keyFor('VIEWER'));
    expect(codes(denied)).toEqual(['FORBIDDEN']);
    const bad = await gql(api.url, 'mutation($id: ID!) { verifyField(contactId: $id, field: "shoeSize", verified: true) { id } }', { id: contactId }, await api.keyFor('OPERATOR'));
    expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
    const ok = await gql<{ verifyField: { verifiedFields: string[] } }>(
      api.url,
      'mutation($id: ID!) { verifyField(contactId: $id, field: "phone", verified: true) { id verifiedFields } }',
      { id: contactId },
      await api.keyFor('OPERATOR'),
    );
    expect(ok.body.data!.verifyField.verifiedFields).toEqual(['phone']);

    await editRemote('HUBSPOT', { phone: '+1 212 555 0001' });
    await settle();
    await editRemote('SALESFORCE', { Phone: '+1 212 555 0002' });
    await settle();
    expect(await value('phone')).toBe(phone);

    // Each refused change is kept in the field's provenance, by CRM, and each CRM got the verified phone back.
    const seen = await gql<{ contact: { fieldProvenance: Array<{ field: string; rejected: Array<{ value: string; reason: string; connection: { kind: string } }> }> } }>(
      api.url,
      'query($id: ID!) { contact(id: $id) { fieldProvenance { field rejected { value reason changedAt connection { kind } } } } }',
      { id: contactId },
      await api.keyFor('VIEWER'),
    );
    const refused = seen.body.data!.contact.fieldProvenance.find((p) => p.field === 'phone')!.rejected;
    expect(refused.map((r) => [r.connection.kind, r.value, r.reason]).sort()).toEqual([
      ['HUBSPOT', '+12125550001', 'VERIFIED'],
      ['SALESFORCE', '+12125550002', 'VERIFIED'],
    ]);
    const remotePhones = await Promise.all(
      (['SALESFORCE', 'HUBSPOT'] as const).map(async (kind) => {
        const link = links.get(kind)!;
        const rows = (await (await fetch(`${h.emulators.get(kind)!.url}/_emulator/records/${link.remoteType}`)).json()) as Array<Record<string, unknown>>;
        const row = rows.find((r) => String(r.Id ?? r.id) === link.remoteId) as Record<string, unknown>;
        return String((row.properties as Record<string, unknown> | undefined)?.phone ?? row.Phone).replace(/\D/g, '');
      }),
    );
    expect(remotePhones).toEqual([phone!.replace(/\D/g, ''), phone!.replace(/\D/g, '')]);

    // Unverified, the next change wins again.
    await gql(api.url, 'mutation($id: ID!) { verifyField(contactId: $id, field: "phone", verified: false) { id } }', { id: contactId }, await api.keyFor('OPERATOR'));
    await editRemote('HUBSPOT', { phone: '+1 212 555 0003' });
    await settle();
    expect(await value('phone')).toBe('+12125550003');
  });

  it('an owned field changes only from its owner, and the owner wins everywhere', async () => {
    const sfId = h.connectionIds.get('SALESFORCE')!;
    const set = await gql<{ setFieldOwner: { kind: string; field: string; owner: { id: string; kind: string } } }>(
      api.url,
      'mutation($owner: ID) { setFieldOwner(kind: CONTACT, field: "title", ownerConnectionId: $owner) { kind field owner { id kind } } }',
      { owner: sfId },
      await api.keyFor('ADMIN'),
    );
    expect(set.body.data!.setFieldOwner).toEqual({ kind: 'CONTACT', field: 'title', owner: { id: sfId, kind: 'SALESFORCE' } });
    expect(codes(await gql(api.url, 'mutation { setFieldOwner(kind: CONTACT, field: "title", ownerConnectionId: null) { field } }', {}, await api.keyFor('OPERATOR')))).toEqual(['FORBIDDEN']);

    await editRemote('HUBSPOT', { jobtitle: 'Chief Vibes Officer' });
    await settle();
    expect(await value('title')).not.toBe('Chief Vibes Officer');
    await editRemote('SALESFORCE', { Title: 'Head of Engineering' });
    await settle();
    expect(await value('title')).toBe('Head of Engineering');
    const hs = (await h.connections.get(h.connectionIds.get('HUBSPOT')!))!;
    const back = (await (await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{ id: string; properties: Record<string, string> }>;
    expect(back.find((r) => r.id === links.get('HUBSPOT')!.remoteId)?.properties.jobtitle).toBe('Head of Engineering');
    expect(hs.kind).toBe('HUBSPOT');
  });

  it('soft-deletes, restores within 30 days, and purges from the store after them', async () => {
    const del = await gql<{ deleteContact: { deletedAt: string } }>(api.url, 'mutation($id: ID!) { deleteContact(id: $id) { id deletedAt } }', { id: contactId }, await api.keyFor('OPERATOR'));
    expect(Date.parse(del.body.data!.deleteContact.deletedAt)).toBeGreaterThan(Date.now() - 60_000);
    const restored = await gql<{ restoreContact: { deletedAt: string | null } }>(api.url, 'mutation($id: ID!) { restoreContact(id: $id) { id deletedAt } }', { id: contactId }, await api.keyFor('OPERATOR'));
    expect(restored.body.data!.restoreContact.deletedAt).toBeNull();
    expect(codes(await gql(api.url, 'mutation($id: ID!) { restoreContact(id: $id) { id } }', { id: contactId }, await api.keyFor('OPERATOR')))).toEqual(['CONFLICT']);

    let now = new Date();
    const clock = new RecordCommands(h.db.dataSource, () => now);
    expect((await clock.deleteContact(contactId)).ok).toBe(true);
    now = new Date(now.getTime() + 29 * DAY);
    expect(await clock.purgeExpired()).toBe(0);
    now = new Date(now.getTime() + 2 * DAY);
    expect(await clock.restoreContact(contactId)).toMatchObject({ ok: false, reason: 'GRACE_PERIOD_OVER' });
    expect(await clock.purgeExpired()).toBe(1);
    expect(await h.db.dataSource.query(`SELECT id FROM contacts WHERE id = $1`, [contactId])).toEqual([]);
    expect(await h.db.dataSource.query(`SELECT id FROM source_links WHERE record_id = $1`, [contactId])).toEqual([]);
    // The store forgot it; the CRMs were never hard-deleted.
    const sfRecords = (await (await fetch(`${h.emulators.get('SALESFORCE')!.url}/_emulator/records/${links.get('SALESFORCE')!.remoteType}`)).json()) as Array<{ Id: string; IsDeleted: boolean }>;
    expect(sfRecords.find((r) => r.Id === links.get('SALESFORCE')!.remoteId)?.IsDeleted).toBe(false);
  });

  it('tests a connection live and reports failures by class', async () => {
    const key = await api.keyFor('OPERATOR');
    const q = 'mutation($id: ID!) { testConnection(id: $id) { ok latencyMs apiVersion message errorClass } }';
    const ok = await gql<{ testConnection: { ok: boolean; apiVersion: string; errorClass: string | null } }>(api.url, q, { id: h.connectionIds.get('SALESFORCE') }, key);
    expect(ok.body.data!.testConnection).toMatchObject({ ok: true, apiVersion: '59.0', errorClass: null });
    expect(codes(await gql(api.url, q, { id: '00000000-0000-0000-0000-000000000000' }, key))).toEqual(['NOT_FOUND']);
    await h.connections.create({ name: 'unreachable', kind: 'HUBSPOT', baseUrl: 'http://127.0.0.1:9', credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' } });
    const broken = (await h.connections.list()).find((c) => c.name === 'unreachable')!;
    const failed = await gql<{ testConnection: { ok: boolean; errorClass: string } }>(api.url, q, { id: broken.id }, key);
    expect(failed.body.data!.testConnection).toMatchObject({ ok: false, errorClass: 'NETWORK' });
  });
});
