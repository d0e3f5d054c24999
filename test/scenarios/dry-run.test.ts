/**
 * Issue #4 acceptance: `dryRun` plans exactly what the following real run then writes.
 * HubSpot gets a mix of changes (edits, a new person, an invalid record, an archive, an
 * untouched record re-saved); a dry run plans them and writes nothing; the real run that
 * follows is compared with the plan record by record and field by field — in the store,
 * and in what reaches Salesforce and Dynamics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UnifiedValue } from '../../src/process/model';
import type { PlannedChange } from '../../src/process/store/entities';
import type { CrmKind } from '../../src/system';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { CONTACT_OBJECTS, contactLinks, editInCrm, emulatorRows, sharedValues, storeContacts, syncUntilQuiet, unifiedOf } from './support';

type Snapshot = Map<string, Record<string, UnifiedValue>>;

describe('a dry run plans exactly what the real run then writes', () => {
  let h: SyncHarness;
  let plan: PlannedChange[];
  let storeBefore: Snapshot;
  let storeAfter: Snapshot;
  let remoteToRecord: Map<string, string>;
  const crmBefore = new Map<CrmKind, Snapshot>();
  const crmAfter = new Map<CrmKind, Snapshot>();
  const expected = { edited: [] as string[], created: '', invalid: '', archived: '', resaved: '' };

  /** Every linked contact copy in a CRM, by unified record id, as unified values. */
  const crmSnapshot = async (kind: CrmKind): Promise<Snapshot> => {
    const links = new Map((await contactLinks(h)).filter((l) => l.connection_id === h.connectionIds.get(kind)).map((l) => [`${l.remote_type}/${l.remote_id}`, l.record_id]));
    const out: Snapshot = new Map();
    for (const object of CONTACT_OBJECTS[kind])
      for (const row of await emulatorRows(h, kind, object)) {
        const id = links.get(`${object}/${row.remoteId}`);
        if (id && !row.inactive) out.set(id, sharedValues(unifiedOf(kind, row)));
      }
    return out;
  };
  const diff = (before: Snapshot, after: Snapshot, id: string): Record<string, UnifiedValue> => {
    const a = before.get(id) ?? {};
    return Object.fromEntries(Object.entries(after.get(id) ?? {}).filter(([f, v]) => (a[f] ?? null) !== v));
  };
  const hubspotIds = async () => new Map((await contactLinks(h)).filter((l) => l.connection_id === h.connectionIds.get('HUBSPOT')).map((l) => [l.remote_id, l.record_id]));
  // A planned APPLY carries the unified values it sets.
  const plannedUnified = (c: PlannedChange) => sharedValues(c.fields as Record<string, UnifiedValue>);
  const count = async (sql: string) => Number(((await h.db.dataSource.query(sql)) as Array<{ n: string }>)[0]!.n);

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 10 });
    await syncUntilQuiet(h);
    const linked = [...(await hubspotIds())].sort(([a], [b]) => a.localeCompare(b));
    const [a, b, c, d] = linked.map(([, recordId]) => recordId);
    await editInCrm(h, 'HUBSPOT', a!, { jobtitle: 'Planned Title' });
    await editInCrm(h, 'HUBSPOT', b!, { phone: '+1 212 555 0199', city: 'Albany' });
    // Saved again with the values it has: nothing to change.
    const current = (await emulatorRows(h, 'HUBSPOT', 'contacts')).find((r) => r.remoteId === linked[2]![0])!;
    await editInCrm(h, 'HUBSPOT', c!, { jobtitle: current.fields.jobtitle ?? null, lastname: current.fields.lastname ?? null });
    const conn = (await h.connections.get(h.connectionIds.get('HUBSPOT')!))!;
    const [archived] = await h.connections.adapterFor(conn).archive('contacts', [linked[3]![0]]);
    expect(archived?.ok).toBe(true);
    const now = new Date().toISOString();
    const plant = async (id: string, properties: Record<string, string>) => {
      const res = await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id, archived: false, properties: { ...properties, createdate: now, lastmodifieddate: now } }),
      });
      expect(res.status).toBe(201);
    };
    await plant('990001', { firstname: 'Planned', lastname: 'Person', email: 'planned.person@initech.com', phone: '+1 415 555 0142', jobtitle: 'CTO', city: 'San Francisco', state: 'CA', country: 'US', zip: '94105' });
    await plant('990002', { firstname: 'Broken', lastname: 'Address', email: 'broken(at)initech.com', phone: '+1 415 555 0143', country: 'US' });
    Object.assign(expected, { edited: [a!, b!], resaved: c!, archived: d!, created: '990001', invalid: '990002' });

    storeBefore = await storeContacts(h);
    for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) crmBefore.set(kind, await crmSnapshot(kind));
    const [outboxBefore, quarantineBefore] = [await count(`SELECT count(*) n FROM outbox`), await count(`SELECT count(*) n FROM quarantine`)];

    const dry = await h.sync('HUBSPOT', 'INCREMENTAL', true);
    expect(dry.status).toBe('SUCCEEDED');
    plan = dry.plannedChanges ?? [];
    // The dry run wrote nothing anywhere.
    expect(await storeContacts(h)).toEqual(storeBefore);
    expect([await count(`SELECT count(*) n FROM outbox`), await count(`SELECT count(*) n FROM quarantine`)]).toEqual([outboxBefore, quarantineBefore]);
    for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) expect(await crmSnapshot(kind)).toEqual(crmBefore.get(kind));

    // Links before the run too: a record archived in HubSpot loses its link when the run applies the delete.
    const linkedBefore = await hubspotIds();
    const real = await h.sync('HUBSPOT');
    expect(real.status).toBe('SUCCEEDED');
    storeAfter = await storeContacts(h);
    remoteToRecord = new Map([...linkedBefore, ...(await hubspotIds())]);
    await h.sync('SALESFORCE');
    await h.sync('DYNAMICS');
    for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) crmAfter.set(kind, await crmSnapshot(kind));
  });
  afterAll(async () => h?.close());

  it('plans one entry per changed remote record, with the operation the real run then performs', async () => {
    const byRemote = new Map(plan.map((c) => [c.remoteId, c.operation]));
    const hsOf = async (recordId: string) => [...remoteToRecord].find(([, r]) => r === recordId)?.[0];
    expect(byRemote.get((await hsOf(expected.edited[0]!))!)).toBe('APPLY');
    expect(byRemote.get((await hsOf(expected.edited[1]!))!)).toBe('APPLY');
    expect(byRemote.get(expected.created)).toBe('APPLY');
    expect(byRemote.get(expected.invalid)).toBe('QUARANTINE');
    expect(byRemote.get((await hsOf(expected.resaved))!)).toBe('NONE');

    // What the real run did, per planned record.
    const quarantined = new Set(((await h.db.dataSource.query(`SELECT remote_id FROM quarantine WHERE status = 'PENDING'`)) as Array<{ remote_id: string }>).map((r) => r.remote_id));
    const deleted = new Set(((await h.db.dataSource.query(`SELECT id FROM contacts WHERE deleted_at IS NOT NULL`)) as Array<{ id: string }>).map((r) => r.id));
    const actual = plan.map((c) => {
      const id = remoteToRecord.get(c.remoteId);
      if (quarantined.has(c.remoteId)) return 'QUARANTINE';
      if (id && deleted.has(id)) return 'SOFT_DELETE';
      if (!id) return 'NONE';
      if (!storeBefore.has(id) || Object.keys(diff(storeBefore, storeAfter, id)).length) return 'APPLY';
      return 'NONE';
    });
    expect(actual).toEqual(plan.map((c) => c.operation));
    expect(plan.filter((c) => c.operation === 'SOFT_DELETE')).toHaveLength(1);
  });

  it('every store field the real run changed was planned, with the value it got', async () => {
    const missed: string[] = [];
    for (const c of plan.filter((x) => x.operation === 'APPLY')) {
      const id = remoteToRecord.get(c.remoteId)!;
      const planned = plannedUnified(c);
      for (const [field, value] of Object.entries(diff(storeBefore, storeAfter, id))) if (planned[field] !== value) missed.push(`${c.remoteId}.${field}: wrote ${value}, planned ${planned[field]}`);
    }
    expect(missed).toEqual([]);
  });

  it('what reaches Salesforce and Dynamics is exactly the planned records', async () => {
    const applied = new Set(plan.filter((c) => c.operation === 'APPLY').map((c) => remoteToRecord.get(c.remoteId)!));
    for (const kind of ['SALESFORCE', 'DYNAMICS'] as const) {
      const before = crmBefore.get(kind)!;
      const after = crmAfter.get(kind)!;
      const touched = [...after.keys()].filter((id) => !before.has(id) || Object.keys(diff(before, after, id)).length);
      expect(new Set(touched), kind).toEqual(applied);
      for (const c of plan.filter((x) => x.operation === 'APPLY')) {
        const written = after.get(remoteToRecord.get(c.remoteId)!)!;
        const planned = plannedUnified(c);
        for (const [field, value] of Object.entries(diff(before, after, remoteToRecord.get(c.remoteId)!))) expect(value, `${kind} ${c.remoteId}.${field}`).toBe(planned[field]);
        expect(written).toBeDefined();
      }
    }
  });

  // A planned APPLY lists the fields that change, not every field the CRM sent.
  it('plans no field the real run leaves as it was', async () => {
    const extra: string[] = [];
    for (const c of plan.filter((x) => x.operation === 'APPLY')) {
      const id = remoteToRecord.get(c.remoteId)!;
      if (!storeBefore.has(id)) continue;
      const changed = diff(storeBefore, storeAfter, id);
      for (const [field, value] of Object.entries(plannedUnified(c))) if (value !== null && !(field in changed)) extra.push(`${c.remoteId}.${field}`);
    }
    expect(extra).toEqual([]);
  });
});

describe('a dry run over several pages', () => {
  let h: SyncHarness;
  const PAGE = 200; // HubSpot's search page: the listing hands the engine 200 records a page.

  beforeAll(async () => {
    h = await startSyncHarness({ seed: 0, crms: ['HUBSPOT'] });
    const start = Date.now() - 60_000;
    const person = (i: number) => ({ firstname: 'Paged', lastname: `Person${i}`, email: `paged.${i}@initech.com`, phone: `+1 212 555 ${String(2000 + i)}`, country: 'US' });
    // The first and the last record are the same person, entered twice with the same values, a page apart.
    const rows = [...Array.from({ length: PAGE }, (_, i) => person(i)), person(0)];
    for (const [i, properties] of rows.entries()) {
      const stamp = new Date(start + i * 10).toISOString();
      const res = await fetch(`${h.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: String(880000 + i), archived: false, properties: { ...properties, createdate: stamp, lastmodifieddate: stamp } }),
      });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => h?.close());

  // The dry run's pages share one rolled-back transaction, so the duplicate on page two is
  // planned as the real run treats it (merged: NONE), not as a second APPLY.
  it('plans a duplicate on a later page the way the real run treats it', async () => {
    const dry = await h.sync('HUBSPOT', 'INCREMENTAL', true);
    const real = await h.sync('HUBSPOT');
    expect(real.status).toBe('SUCCEEDED');
    const contacts = Number(((await h.db.dataSource.query(`SELECT count(*) n FROM contacts`)) as Array<{ n: string }>)[0]!.n);
    expect(contacts).toBe(PAGE);
    const planned = dry.plannedChanges!.filter((c) => c.operation === 'APPLY').length;
    expect(planned).toBe(contacts);
  });
});
