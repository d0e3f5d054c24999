/**
 * The audit over real emulators and a converged store: reconciliation catches the two
 * silent failures incremental sync cannot see — a Salesforce contact changed while its
 * modification stamp stayed the same, and one deleted with no delete event — and the
 * report, the AuditReport operation and `npm run audit`'s writers carry them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { auditMarkdown } from '../../src/process/audit/audit-markdown';
import { AuditService } from '../../src/process/audit/audit.service';
import { codes, gql, startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

type SfRecord = Record<string, unknown> & { Id: string };

let sync: SyncHarness;
let h: Harness;
let sfUrl: string;
let audit: AuditService;

const admin = (path: string, init?: RequestInit) => fetch(`${sfUrl}/_emulator${path}`, init);
const post = (path: string, body: unknown) => admin(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const records = async (object: string) => (await (await admin(`/records/${object}`)).json()) as SfRecord[];

beforeAll(async () => {
  sync = await startSyncHarness({ seed: 12, crms: ['SALESFORCE', 'HUBSPOT'] });
  audit = new AuditService(sync.db.dataSource, sync.connections);
  h = await startHarness(sync.db, { audit });
  sfUrl = sync.emulators.get('SALESFORCE')!.url;
  // Converge: each side pulls, then delivers what the other stored.
  await sync.syncAll();
  await sync.syncAll();
  await sync.syncAll();
});

afterAll(async () => {
  await h?.close();
  await sync?.close();
});

async function linkedContactIds(): Promise<string[]> {
  const rows = (await sync.db.dataSource.query(
    `SELECT l.remote_id FROM source_links l JOIN connections c ON c.id = l.connection_id WHERE c.kind = 'SALESFORCE' AND l.remote_type = 'Contact' ORDER BY l.remote_id`,
  )) as Array<{ remote_id: string }>;
  return rows.map((r) => r.remote_id);
}

describe('audit', () => {
  it('starts clean once the store and both CRMs have converged', async () => {
    const report = await audit.report();
    expect(report.discrepancies).toHaveLength(2);
    for (const d of report.discrepancies) expect({ name: d.connectionName, m: d.missingRemotely, l: d.missingLocally, f: d.fieldMismatches, e: d.error, x: d.examples }).toEqual({ name: d.connectionName, m: 0, l: 0, f: 0, e: null, x: [] });
    expect(report.dataQuality.totalContacts).toBeGreaterThan(0);
  });

  it('finds a change made without a new modification stamp and a delete with no delete event, which sync missed', async () => {
    const [changedId, deletedId] = await linkedContactIds();
    expect(changedId && deletedId).toBeTruthy();
    // 1. Change a last name, keeping SystemModstamp and LastModifiedDate as they were.
    const contacts = await records('Contact');
    const changed = contacts.find((r) => r.Id === changedId)!;
    expect((await post('/records/Contact', { ...changed, LastName: 'Silently-Changed' })).status).toBe(201);
    // 2. Delete a contact with no tombstone: reset the org (Junction's fields kept) and put back everything else as it was.
    const everything = { Account: await records('Account'), Lead: await records('Lead'), Contact: await records('Contact') };
    expect((await post('/reset', { provisioned: true })).status).toBe(204);
    for (const [object, list] of Object.entries(everything))
      for (const r of list) if (r.Id !== deletedId) expect((await post(`/records/${object}`, r)).status).toBe(201);

    // Incremental sync sees neither.
    const run = await sync.sync('SALESFORCE');
    expect(run.status).toBe('SUCCEEDED');
    const [{ last_name: stored }] = (await sync.db.dataSource.query(
      `SELECT c.last_name FROM contacts c JOIN source_links l ON l.record_id = c.id WHERE l.remote_id = $1`,
      [changedId],
    )) as Array<{ last_name: string }>;
    expect(stored).not.toBe('Silently-Changed');

    const report = await audit.report();
    const sf = report.discrepancies.find((d) => d.connectionName.startsWith('SALESFORCE'))!;
    const hs = report.discrepancies.find((d) => d.connectionName.startsWith('HUBSPOT'))!;
    expect(sf.fieldMismatches).toBe(1);
    expect(sf.examples).toContainEqual(expect.objectContaining({ kind: 'FIELD_MISMATCH', remoteId: changedId, field: 'lastName', crm: 'Silently-Changed', store: stored }));
    expect(sf.missingRemotely).toBe(1);
    expect(sf.examples).toContainEqual(expect.objectContaining({ kind: 'MISSING_REMOTELY', remoteType: 'Contact', remoteId: deletedId }));
    expect(sf.missingLocally).toBe(0);
    expect({ m: hs.missingRemotely, l: hs.missingLocally, f: hs.fieldMismatches }).toEqual({ m: 0, l: 0, f: 0 });
    expect(report.plan.filter((p) => p.horizonDays === 30).map((p) => p.action).join('\n')).toMatch(/gone from the CRM with no delete event[\s\S]*without a newer modification stamp/);

    const md = auditMarkdown(report);
    expect(md).toContain('| FIELD_MISMATCH |');
    expect(md).toContain(`Contact ${deletedId}`);
    expect(md).toMatch(/### Within 30 days/);
  });

  it('answers the AuditReport operation for ADMIN only, with access and credential sections', async () => {
    const query = `query AuditReport { auditReport { generatedAt
      dataQuality { totalContacts duplicateRate missingRequiredRate invalidEmailRate staleRate }
      discrepancies { connection { id } missingRemotely missingLocally fieldMismatches }
      access { apiKeysWithBroadRoles failedAuthLast24h }
      tokens { connection { id } expiresAt }
      plan { horizonDays action } } }`;
    expect(codes(await gql(h.url, query, {}, await h.keyFor('OPERATOR')))).toEqual(['FORBIDDEN']);
    await sync.db.dataSource.query(`INSERT INTO auth_failures (reason, transport) VALUES ('UNKNOWN_KEY', 'http'), ('MISSING', 'ws')`);
    const res = await gql<{ auditReport: { access: { apiKeysWithBroadRoles: number; failedAuthLast24h: number }; discrepancies: Array<{ missingRemotely: number }>; tokens: Array<{ expiresAt: string | null }>; plan: Array<{ horizonDays: number }> } }>(h.url, query, {}, await h.keyFor('ADMIN'));
    expect(res.body.errors).toBeUndefined();
    const r = res.body.data!.auditReport;
    expect(r.access.apiKeysWithBroadRoles).toBe(2); // the OPERATOR and ADMIN test keys
    expect(r.access.failedAuthLast24h).toBeGreaterThanOrEqual(2);
    expect(r.discrepancies.reduce((n, d) => n + d.missingRemotely, 0)).toBe(1);
    expect(r.tokens.length).toBe(2);
    expect(r.tokens.every((t) => t.expiresAt !== null)).toBe(true);
    expect(r.plan.map((p) => p.horizonDays)).toEqual([...r.plan.map((p) => p.horizonDays)].sort((a, b) => a - b));
  });

  // The CLI is a second process on the test database: that needs a PostgreSQL server (the
  // embedded one serves a single session). CI runs it on PostgreSQL.
  it.skipIf(inject('embeddedDatabase'))('npm run audit without a server writes Markdown, CSV and JSON to the folder given, and keeps the audit in the history', async () => {
    const out = mkdtempSync(join(tmpdir(), 'junction-audit-'));
    // Credentials in this run's store were sealed with a key the script does not have: it
    // still writes the report, with each CRM marked as not read.
    const res = spawnSync(process.execPath, ['-r', './scripts/register.cjs', 'scripts/audit.ts', '--out', out], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: inject('databaseUrl'), JUNCTION_MASTER_KEY: 'a'.repeat(64), LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(3);
    expect(files[1]).toMatch(/^audit-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.json$/);
    const json = JSON.parse(readFileSync(join(out, files[1]!), 'utf8')) as { dataQuality: { totalContacts: number }; discrepancies: Array<{ error: string | null }> };
    expect(json.dataQuality.totalContacts).toBeGreaterThan(0);
    expect(json.discrepancies.every((d) => d.error !== null)).toBe(true);
    expect(readFileSync(join(out, files[0]!), 'utf8')).toMatch(/^section,measure,connection,value,previous,change\n/);
    expect(readFileSync(join(out, files[2]!), 'utf8')).toMatch(/^# Junction audit/);
    const history = (await sync.db.dataSource.query(`SELECT trigger, status FROM audit_reports`)) as Array<{ trigger: string; status: string }>;
    expect(history).toEqual([{ trigger: 'CLI', status: 'SUCCEEDED' }]);
  });
});
