/**
 * The data-quality acceptance run: ≥ 2,000 seeded people with planted duplicates and invalid
 * records over the Salesforce and HubSpot emulators, BULK-synced, then measured against the
 * ground truth; then quarantine retry/discard over GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDirtyData, type Person, type Planted } from './support/dirty-data';
import { restoreDefaultRules } from './support/rules';
import { prepareDirtyCrms, startQualityHarness, type QualityHarness } from './support/quality-harness';

const PEOPLE = 2000;
const pairs = (n: number) => (n * (n - 1)) / 2;

describe('dirty data through BULK syncs (seeded ground truth)', () => {
  let h: QualityHarness;
  let records: Planted[];
  let persons: Person[];

  beforeAll(async () => {
    h = await startQualityHarness();
    // Each CRM's admin created the badge field; each connection maps it to custom.badge.
    await prepareDirtyCrms(h);
    ({ records, persons } = generateDirtyData(PEOPLE, 20261126));
    await h.plant(records);
    const t0 = Date.now();
    const sf = await h.sync.sync('SALESFORCE', 'BULK');
    const t1 = Date.now();
    const hs = await h.sync.sync('HUBSPOT', 'BULK');
    console.log(`planted ${records.length} records; BULK Salesforce (with the runs it queued for HubSpot) ${t1 - t0} ms, HubSpot ${Date.now() - t1} ms`);
    expect([sf.status, hs.status]).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // The runs the worker started on its own (a finished run queues the connections it left changes for) succeeded too.
    const runs = (await h.sync.db.dataSource.query(`SELECT mode, status, records_failed, error FROM sync_runs ORDER BY created_at`)) as Array<{ status: string; records_failed: number; error: string | null }>;
    expect(runs.filter((r) => r.status !== 'SUCCEEDED' || r.records_failed > 0)).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    if (h) await restoreDefaultRules(h.sync.db.dataSource);
    await h?.close();
  });

  const linksByRemote = async () => {
    const rows = (await h.sync.db.dataSource.query(
      `SELECT l.remote_id, coalesce(c.merged_into, c.id) AS contact_id, c.state, c.phone FROM source_links l JOIN contacts c ON c.id = l.record_id WHERE l.record_kind = 'CONTACT'`,
    )) as Array<{ remote_id: string; contact_id: string; state: string | null; phone: string | null }>;
    return new Map(rows.map((r) => [r.remote_id, r]));
  };

  it('dedupes with precision ≥ 99.5 % and recall ≥ 98 %, every valid record linked to exactly one contact', async () => {
    const valid = records.filter((r) => r.person !== undefined);
    const links = await linksByRemote();
    const unlinked = valid.filter((r) => !links.has(r.remoteId));
    expect(unlinked.map((r) => r.remoteId)).toEqual([]);
    const linkCount = (await h.sync.db.dataSource.query(`SELECT count(*)::int n, count(DISTINCT (connection_id, remote_id))::int d FROM source_links WHERE record_kind = 'CONTACT'`)) as Array<{ n: number; d: number }>;
    expect(linkCount[0]!.n).toBe(linkCount[0]!.d);

    const byPerson = new Map<number, number>();
    const byContact = new Map<string, number>();
    const byBoth = new Map<string, number>();
    for (const r of valid) {
      const contact = links.get(r.remoteId)!.contact_id;
      byPerson.set(r.person!, (byPerson.get(r.person!) ?? 0) + 1);
      byContact.set(contact, (byContact.get(contact) ?? 0) + 1);
      byBoth.set(`${r.person}|${contact}`, (byBoth.get(`${r.person}|${contact}`) ?? 0) + 1);
    }
    const truePairs = [...byPerson.values()].reduce((s, n) => s + pairs(n), 0);
    const predicted = [...byContact.values()].reduce((s, n) => s + pairs(n), 0);
    const correct = [...byBoth.values()].reduce((s, n) => s + pairs(n), 0);
    const precision = predicted ? correct / predicted : 1;
    const recall = truePairs ? correct / truePairs : 1;
    console.log(`dedupe over ${valid.length} valid records of ${PEOPLE} people: ${truePairs} true duplicate pairs, ${predicted} merged pairs; precision ${(precision * 100).toFixed(2)} %, recall ${(recall * 100).toFixed(2)} %`);
    expect(truePairs).toBeGreaterThan(300);
    expect(precision).toBeGreaterThanOrEqual(0.995);
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(byContact.size).toBe(byPerson.size);
  });

  it('normalizes every state and phone to the expected ISO 3166-2 code and E.164 number', async () => {
    const links = await linksByRemote();
    const wrong: string[] = [];
    for (const r of records.filter((x) => x.person !== undefined)) {
      const p = persons[r.person!]!;
      const c = links.get(r.remoteId)!;
      if (c.state !== p.expectedState) wrong.push(`${r.remoteId} state ${c.state} ≠ ${p.expectedState}`);
      if (c.phone !== p.expectedPhone) wrong.push(`${r.remoteId} phone ${c.phone} ≠ ${p.expectedPhone}`);
    }
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('quarantines every invalid record with its failing rule, and no valid one', async () => {
    const rows = (await h.sync.db.dataSource.query(`SELECT remote_id, issues FROM quarantine WHERE status = 'PENDING'`)) as Array<{ remote_id: string; issues: Array<{ field: string; rule: string }> }>;
    const byRemote = new Map(rows.map((r) => [r.remote_id, r.issues.map((i) => `${i.field}:${i.rule}`)]));
    const invalid = records.filter((r) => r.expectIssue);
    expect(new Set(invalid.map((r) => r.expectIssue)).size).toBe(10);
    const missing = invalid.filter((r) => !byRemote.get(r.remoteId)?.includes(r.expectIssue!)).map((r) => `${r.remoteId} ${r.expectIssue} → ${byRemote.get(r.remoteId)?.join(',')}`);
    expect(missing).toEqual([]);
    expect(rows.length).toBe(invalid.length);
  });

  it('quarantines a badge another person holds as UNIQUE, and keeps the holder’s badge in the store', async () => {
    const clashes = records.filter((r) => r.expectIssue === 'custom.badge:UNIQUE');
    expect(clashes).toHaveLength(12);
    const rows = (await h.sync.db.dataSource.query(`SELECT remote_id, issues FROM quarantine WHERE status = 'PENDING' AND remote_id = ANY($1)`, [clashes.map((r) => r.remoteId)])) as Array<{
      remote_id: string;
      issues: Array<{ field: string; rule: string }>;
    }>;
    expect(rows.map((r) => r.issues.map((i) => `${i.field}:${i.rule}`)).sort()).toEqual(Array(12).fill(['custom.badge:UNIQUE']));
    // Every valid person's badge is stored once, on their own contact; duplicates sharing it were merged, not refused.
    const badges = (await h.sync.db.dataSource.query(`SELECT custom->>'badge' AS badge, count(*)::int n FROM contacts WHERE merged_into IS NULL AND custom ? 'badge' GROUP BY 1 HAVING count(*) > 1`)) as unknown[];
    expect(badges).toEqual([]);
    const stored = (await h.sync.db.dataSource.query(`SELECT count(DISTINCT custom->>'badge')::int n FROM contacts WHERE merged_into IS NULL AND custom ? 'badge'`)) as Array<{ n: number }>;
    expect(stored[0]!.n).toBe(PEOPLE);
  });

  it('RetryQuarantined with a patch lands the record in the store and in the other CRM; DiscardQuarantined keeps its reason', async () => {
    const target = records.find((r) => r.expectIssue === 'email:BUSINESS_EMAIL' && r.crm === 'SALESFORCE')!;
    const [entry] = (await h.sync.db.dataSource.query(`SELECT id FROM quarantine WHERE remote_id = $1`, [target.remoteId])) as Array<{ id: string }>;
    const stillBad = await h.q<{ retryQuarantined: { status: string; issues: Array<{ rule: string }> } }>(
      `mutation($id: ID!, $patch: JSON) { retryQuarantined(id: $id, patch: $patch) { id status issues { field rule message } } }`,
      { id: entry!.id, patch: { Email: 'still@yahoo.com' } },
    );
    expect(stillBad.data.retryQuarantined).toMatchObject({ status: 'PENDING', issues: [{ rule: 'BUSINESS_EMAIL' }] });
    const fixed = await h.q<{ retryQuarantined: { status: string; issues: unknown[] } }>(
      `mutation($id: ID!, $patch: JSON) { retryQuarantined(id: $id, patch: $patch) { id status issues { field rule message } } }`,
      { id: entry!.id, patch: { email: 'fixed.person@initech.com' } },
    );
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data.retryQuarantined).toEqual({ id: entry!.id, status: 'RESOLVED', issues: [] });
    const stored = (await h.sync.db.dataSource.query(`SELECT id FROM contacts WHERE email = 'fixed.person@initech.com'`)) as unknown[];
    expect(stored).toHaveLength(1);
    await h.sync.sync('HUBSPOT');
    const hubspot = (await (await fetch(`${h.sync.emulators.get('HUBSPOT')!.url}/_emulator/records/contacts`)).json()) as Array<{ properties: Record<string, string> }>;
    expect(hubspot.filter((c) => c.properties.email === 'fixed.person@initech.com')).toHaveLength(1);

    const other = records.find((r) => r.expectIssue === 'phone:FORMAT')!;
    const [second] = (await h.sync.db.dataSource.query(`SELECT id FROM quarantine WHERE remote_id = $1`, [other.remoteId])) as Array<{ id: string }>;
    const discarded = await h.q<{ discardQuarantined: { status: string } }>(`mutation($id: ID!, $r: String!) { discardQuarantined(id: $id, reason: $r) { id status } }`, { id: second!.id, r: 'test account' });
    expect(discarded.data.discardQuarantined.status).toBe('DISCARDED');
    const [kept] = (await h.sync.db.dataSource.query(`SELECT status, reason FROM quarantine WHERE id = $1`, [second!.id])) as Array<{ status: string; reason: string }>;
    expect(kept).toEqual({ status: 'DISCARDED', reason: 'test account' });
    const again = await h.q(`mutation($id: ID!, $r: String!) { discardQuarantined(id: $id, reason: $r) { id status } }`, { id: second!.id, r: 'twice' });
    expect(again.errors?.[0]?.extensions?.code).toBe('CONFLICT');

    const page = await h.q<{ quarantine: { totalCount: number; edges: Array<{ node: { status: string; connection: { kind: string } | null; issues: unknown[] } }> } }>(
      `query($c: ID) { quarantine(connectionId: $c, first: 20) { totalCount edges { node { id status remoteId recordKind payload createdAt connection { id kind } issues { field rule message } } } } }`,
      { c: h.sync.connectionIds.get('SALESFORCE') },
    );
    expect(page.errors).toBeUndefined();
    expect(page.data.quarantine.edges.every((e) => e.node.connection?.kind === 'SALESFORCE')).toBe(true);
    expect(page.data.quarantine.totalCount).toBe(records.filter((r) => r.expectIssue && r.crm === 'SALESFORCE').length);
  }, 60_000);
});
