/**
 * Issue #13 item 3 acceptance: a dirty CRM's first sync completes. 2,000 seeded people over
 * Salesforce and HubSpot with about 8 % of the records invalid — every default rule (and the
 * extra ones) broken in both CRMs, three invalid records among the first 10 each connection
 * reads — sync completely on each connection's first full run (Salesforce BULK, then the
 * HubSpot run the worker queues for the changes it left): every valid record stored and
 * delivered to the other CRM, every invalid one quarantined with its rule, none lost.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AlertService } from '../../src/process/alerts/alert.service';
import { NO_EVENTS } from '../../src/process/events';
import { dirtyCompanies, generateDirtyData, type Crm, type Planted } from './support/dirty-data';
import { restoreDefaultRules } from './support/rules';
import { prepareDirtyCrms, startQualityHarness, type QualityHarness } from './support/quality-harness';

const PEOPLE = 2000;
/** 22 invalid records per rule, ten rules, plus the invalid companies: about 8 % of all records. */
const INVALID_PER_RULE = 22;
const CRMS = ['SALESFORCE', 'HUBSPOT'] as const;
const OTHER: Record<Crm, Crm> = { SALESFORCE: 'HUBSPOT', HUBSPOT: 'SALESFORCE' };
/** The invalid person each CRM's first records hold (companies come first: each mapper reads them first). */
const HEAD_ISSUE: Record<Crm, string> = { SALESFORCE: 'email:FORMAT', HUBSPOT: 'phone:FORMAT' };
const BATCH = 10;

describe('a dirty first sync (seeded ground truth, about 8 % invalid)', () => {
  let h: QualityHarness;
  let records: Planted[];
  const firstRead = new Map<Crm, string[]>();
  const conn = (crm: Crm) => h.sync.connectionIds.get(crm)!;
  const key = (r: Planted) => `${r.crm}/${r.remoteId}`;
  const query = <T>(sql: string, params: unknown[] = []) => h.sync.db.dataSource.query(sql, params) as Promise<T[]>;

  /** Records the first BATCH records a connection's reads yield, in order: the test batch reads before anything else. */
  async function watchFirstReads(crm: Crm): Promise<void> {
    const adapter = h.sync.connections.adapterFor((await h.sync.connections.get(conn(crm)))!);
    const seen: string[] = [];
    firstRead.set(crm, seen);
    const read = adapter.listChanged.bind(adapter);
    vi.spyOn(adapter, 'listChanged').mockImplementation((type, cursor, options) =>
      (async function* () {
        for await (const page of read(type, cursor, options)) {
          seen.push(...page.records.slice(0, Math.max(0, BATCH - seen.length)).map((r) => r.remoteId));
          yield page;
        }
      })(),
    );
  }

  beforeAll(async () => {
    h = await startQualityHarness();
    await prepareDirtyCrms(h);
    const people = generateDirtyData(PEOPLE, 20261207, INVALID_PER_RULE).records;
    const companies = dirtyCompanies();
    // Each CRM lists first what was stored first: its companies, then four people, one of them invalid.
    const head = CRMS.flatMap((crm) => {
      const own = people.filter((r) => r.crm === crm);
      const [a, b, c] = own.filter((r) => r.person !== undefined);
      return [...companies.filter((r) => r.crm === crm), a!, own.find((r) => r.expectIssue === HEAD_ISSUE[crm])!, b!, c!];
    });
    const rest = people.filter((r) => !head.includes(r));
    records = [...head, ...rest];
    await h.plant(head, 1);
    await h.plant(rest);
    for (const crm of CRMS) await watchFirstReads(crm);
    const t0 = Date.now();
    // Salesforce's first full run; the worker then runs HubSpot for the changes it left, and Salesforce again for HubSpot's.
    const first = await h.sync.sync('SALESFORCE', 'BULK');
    console.log(`planted ${records.length} records (${records.filter((r) => r.expectIssue).length} invalid); first syncs ${Date.now() - t0} ms`);
    expect(first.status, first.error ?? '').toBe('SUCCEEDED');
    vi.restoreAllMocks();
  }, 180_000);

  afterAll(async () => {
    if (h) await restoreDefaultRules(h.sync.db.dataSource);
    await h?.close();
  });

  it('plants about 8 % invalid records, every rule broken in both CRMs', () => {
    const invalid = records.filter((r) => r.expectIssue);
    const share = invalid.length / records.length;
    expect(share).toBeGreaterThan(0.075);
    expect(share).toBeLessThan(0.09);
    const defaults = ['email:REQUIRED', 'email:FORMAT', 'lastName:REQUIRED', 'phone:FORMAT', 'postalCode:FORMAT', 'state:CONSISTENCY', 'email:BUSINESS_EMAIL', 'name:REQUIRED', 'domain:FORMAT'];
    for (const crm of CRMS) {
      const broken = new Set(invalid.filter((r) => r.crm === crm).map((r) => r.expectIssue));
      expect(defaults.filter((rule) => !broken.has(rule)), crm).toEqual([]);
    }
  });

  it('reads invalid records among each connection’s first 10, and still completes each first full run', async () => {
    const planted = new Map(records.map((r) => [key(r), r]));
    for (const crm of CRMS) {
      const batch = firstRead.get(crm)!.map((id) => planted.get(`${crm}/${id}`));
      expect(batch, crm).toHaveLength(BATCH);
      expect(batch.every((r) => r !== undefined)).toBe(true);
      expect(batch.filter((r) => r!.expectIssue).map((r) => r!.expectIssue).sort(), crm).toEqual([HEAD_ISSUE[crm], 'domain:FORMAT', 'name:REQUIRED'].sort());
    }
    const runs = await query<{ connection_id: string; mode: string; status: string; error: string | null; records_failed: number }>(
      `SELECT connection_id, mode, status, error, records_failed FROM sync_runs ORDER BY created_at`,
    );
    expect(runs.filter((r) => r.status !== 'SUCCEEDED' || r.records_failed > 0)).toEqual([]);
    for (const crm of CRMS) {
      const [firstRun] = runs.filter((r) => r.connection_id === conn(crm));
      // Each connection's first run was a full one (HubSpot's queued by the worker), and it passed its test batch.
      expect(firstRun, crm).toMatchObject({ mode: crm === 'SALESFORCE' ? 'BULK' : 'INCREMENTAL', status: 'SUCCEEDED' });
    }
    const gates = await query<{ tested_mapping_version: string | null }>(`SELECT tested_mapping_version FROM connections WHERE id = ANY($1)`, [CRMS.map(conn)]);
    expect(gates.every((g) => g.tested_mapping_version !== null)).toBe(true);
    expect(await query(`SELECT cause FROM sync_blocks`)).toEqual([]);
    await new AlertService({ db: h.sync.db.dataSource, events: NO_EVENTS }).evaluate(new Date());
    expect(await query(`SELECT message FROM alerts WHERE kind = 'SYNC_BLOCKED'`)).toEqual([]);
  });

  it('quarantines every invalid record with its rule, and nothing else', async () => {
    const rows = await query<{ connection_id: string; remote_id: string; issues: Array<{ field: string; rule: string }> }>(
      `SELECT connection_id, remote_id, issues FROM quarantine WHERE status = 'PENDING'`,
    );
    const crmOf = new Map(CRMS.map((crm) => [conn(crm), crm]));
    const byRecord = new Map(rows.map((r) => [`${crmOf.get(r.connection_id)}/${r.remote_id}`, r.issues.map((i) => `${i.field}:${i.rule}`)]));
    const invalid = records.filter((r) => r.expectIssue);
    const missing = invalid.filter((r) => !byRecord.get(key(r))?.includes(r.expectIssue!)).map((r) => `${key(r)} ${r.expectIssue} → ${byRecord.get(key(r))?.join(',')}`);
    expect(missing).toEqual([]);
    expect(rows).toHaveLength(invalid.length);
  });

  it('stores every valid record and delivers it to the other CRM: none lost, nothing left waiting', async () => {
    const valid = records.filter((r) => !r.expectIssue);
    const links = await query<{ connection_id: string; remote_id: string; remote_type: string; unified: string }>(
      `SELECT l.connection_id, l.remote_id, l.remote_type, coalesce(c.merged_into, c.id, l.record_id) AS unified
       FROM source_links l LEFT JOIN contacts c ON c.id = l.record_id`,
    );
    const unifiedOf = new Map(links.map((l) => [`${l.connection_id}/${l.remote_id}`, l.unified]));
    const linkedIn = (crm: Crm) => new Map(links.filter((l) => l.connection_id === conn(crm)).map((l) => [l.unified, l]));
    const held = new Map<Crm, Set<string>>();
    for (const crm of CRMS) {
      const objects = crm === 'SALESFORCE' ? ['Lead', 'Contact', 'Account'] : ['contacts', 'companies'];
      const ids = new Set<string>();
      for (const object of objects) {
        const rows = (await (await fetch(`${h.sync.emulators.get(crm)!.url}/_emulator/records/${object}`)).json()) as Array<{ Id?: string; id?: string }>;
        for (const row of rows) ids.add(String(row.Id ?? row.id));
      }
      held.set(crm, ids);
    }
    const notStored: string[] = [];
    const notDelivered: string[] = [];
    for (const r of valid) {
      const unified = unifiedOf.get(`${conn(r.crm)}/${r.remoteId}`);
      if (!unified) {
        notStored.push(key(r));
        continue;
      }
      const copy = linkedIn(OTHER[r.crm]).get(unified);
      if (!copy || !held.get(OTHER[r.crm])!.has(copy.remote_id)) notDelivered.push(key(r));
    }
    expect(notStored).toEqual([]);
    expect(notDelivered).toEqual([]);
    // No invalid record was stored; every planted record is stored or quarantined, never both.
    expect(records.filter((r) => r.expectIssue && unifiedOf.has(`${conn(r.crm)}/${r.remoteId}`)).map(key)).toEqual([]);
    const [outbox] = await query<{ waiting: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE delivered_at IS NULL)::int AS waiting, count(*) FILTER (WHERE last_error IS NOT NULL AND last_error <> 'nothing to write')::int AS failed FROM outbox`,
    );
    expect(outbox).toEqual({ waiting: 0, failed: 0 });
  });
});
