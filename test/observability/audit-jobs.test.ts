/**
 * Audits as jobs (issue 17 item 5) over three real emulators holding 10,000 people between
 * them: runAudit answers at once and the audit runs in the background worker while the API
 * keeps answering; a second audit compares itself with the first (what got worse) and its
 * plan follows up; the downloads; and `npm run audit` asking the server, or refusing when the
 * embedded store it would open is held.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditJobs } from '../../src/process/audit/audit-jobs';
import { AuditWorker } from '../../src/process/audit/audit-worker';
import { AuditService } from '../../src/process/audit/audit.service';
import { AuditQueue } from '../../src/process/jobs/audit-queue';
import { openDatabase } from '../../src/process/store/database';
import { gql, startHarness, type Harness } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';

/**
 * 4,000 demo people per CRM, a quarter of them in all three: 10,000 different people. The
 * embedded database (one session, for a local sample) gets a tenth of that.
 */
const PER_CRM = inject('embeddedDatabase') ? 400 : 4000;
const PEOPLE = PER_CRM * 0.75 * 3 + PER_CRM * 0.25;

let sync: SyncHarness;
let h: Harness;
let worker: AuditWorker;
let admin: string;
let jobs: AuditJobs;

const AUDIT_REPORTS = `query AuditReports($first: Int) { auditReports(first: $first) { totalCount
  edges { node { id status startedAt finishedAt dataQuality { totalContacts duplicateRate } discrepancies { connection { id } missingRemotely missingLocally fieldMismatches }
    plan { horizonDays action } comparison { previousId worsened { measure before after } improved { measure } } markdownPath } } } }`;

interface Node {
  id: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  dataQuality: { totalContacts: number; duplicateRate: number } | null;
  discrepancies: Array<{ connection: { id: string }; missingRemotely: number; missingLocally: number; fieldMismatches: number }>;
  plan: Array<{ horizonDays: number; action: string }>;
  comparison: { previousId: string; worsened: Array<{ measure: string; before: number; after: number }>; improved: Array<{ measure: string }> } | null;
  markdownPath: string | null;
}

async function audits(): Promise<{ totalCount: number; nodes: Node[] }> {
  const res = await gql<{ auditReports: { totalCount: number; edges: Array<{ node: Node }> } }>(h.url, AUDIT_REPORTS, { first: 10 }, admin);
  expect(res.body.errors).toBeUndefined();
  return { totalCount: res.body.data!.auditReports.totalCount, nodes: res.body.data!.auditReports.edges.map((e) => e.node) };
}

async function runAudit(): Promise<{ id: string; status: string; startedAt: string | null }> {
  const res = await gql<{ runAudit: { id: string; status: string; startedAt: string | null } }>(h.url, 'mutation RunAudit { runAudit { id status startedAt } }', {}, admin);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.runAudit;
}

/** Polls auditReports until the audit ended; the API answers every poll meanwhile. */
async function finished(id: string, timeoutMs = 240_000): Promise<Node> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const node = (await audits()).nodes.find((n) => n.id === id);
    if (node && (node.status === 'SUCCEEDED' || node.status === 'FAILED')) return node;
    if (Date.now() > deadline) throw new Error(`audit ${id} still ${node?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  sync = await startSyncHarness({ seed: PER_CRM, crms: ['SALESFORCE', 'HUBSPOT', 'DYNAMICS'] });
  const started = performance.now();
  await sync.syncAll('BULK');
  console.log(`bulk sync of ${PER_CRM} per CRM: ${Math.round(performance.now() - started)} ms`);
  jobs = new AuditJobs(sync.db.dataSource, new AuditQueue(sync.runs.queue));
  worker = new AuditWorker(sync.db.dataSource, new AuditService(sync.db.dataSource, sync.connections), jobs, { schedule: null, pollMs: 500, beatMs: 1000 });
  worker.start();
  h = await startHarness(sync.db, { audits: jobs });
  admin = await h.keyFor('ADMIN');
}, 600_000);

afterAll(async () => {
  await worker?.stop();
  await h?.close();
  await sync?.close();
});

describe('audits as jobs', () => {
  it(`runAudit on ${PEOPLE} contacts across three CRMs completes in the background while the API keeps answering`, async () => {
    const asked = performance.now();
    const queued = await runAudit();
    const answeredIn = performance.now() - asked;
    expect(queued.status).toMatch(/^(QUEUED|RUNNING)$/);
    // One at a time: asking again answers the same audit.
    expect((await runAudit()).id).toBe(queued.id);

    // While it runs, an ordinary read goes on answering.
    const latencies: number[] = [];
    let node: Node | undefined;
    let sawRunning = false;
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const t = performance.now();
      const res = await gql<{ contacts: { totalCount: number } }>(h.url, '{ contacts(first: 5) { totalCount edges { node { id email } } } }', {}, admin);
      latencies.push(performance.now() - t);
      expect(res.body.errors).toBeUndefined();
      node = (await audits()).nodes.find((n) => n.id === queued.id);
      if (node?.status === 'RUNNING') sawRunning = true;
      if (node?.status === 'SUCCEEDED' || node?.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`runAudit answered in ${Math.round(answeredIn)} ms; ${latencies.length} reads during the audit, median ${Math.round(sorted[sorted.length >> 1]!)} ms, max ${Math.round(sorted[sorted.length - 1]!)} ms`);
    expect(node?.status).toBe('SUCCEEDED');
    expect(sawRunning).toBe(true);
    expect(answeredIn).toBeLessThan(5000);
    expect(latencies.length).toBeGreaterThanOrEqual(3);
    expect(sorted[sorted.length >> 1]!).toBeLessThan(2000);
    expect(node!.dataQuality!.totalContacts).toBe(PEOPLE);
    expect(node!.discrepancies).toHaveLength(3);
    expect(node!.startedAt && node!.finishedAt).toBeTruthy();
    expect(node!.comparison).toBeNull();
  });

  it('a second report compares itself with the first: what got worse, and a plan that follows up on it', async () => {
    // A Salesforce contact changed without its modification stamp moving: sync cannot see it, the audit can.
    const sfUrl = sync.emulators.get('SALESFORCE')!.url;
    const [{ remote_id: changedId }] = (await sync.db.dataSource.query(
      `SELECT l.remote_id FROM source_links l JOIN connections c ON c.id = l.connection_id WHERE c.kind = 'SALESFORCE' AND l.remote_type = 'Contact' ORDER BY l.remote_id LIMIT 1`,
    )) as Array<{ remote_id: string }>;
    const contacts = (await (await fetch(`${sfUrl}/_emulator/records/Contact`)).json()) as Array<Record<string, unknown> & { Id: string }>;
    const changed = contacts.find((r) => r.Id === changedId)!;
    const put = await fetch(`${sfUrl}/_emulator/records/Contact`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...changed, LastName: 'Silently-Changed' }) });
    expect(put.status).toBe(201);

    const [first] = (await audits()).nodes;
    const second = await finished((await runAudit()).id);
    expect(second.status).toBe('SUCCEEDED');
    const sf = sync.connectionIds.get('SALESFORCE')!;
    expect(second.comparison?.previousId).toBe(first!.id);
    expect(second.comparison?.worsened).toContainEqual({ measure: `fieldMismatches:${sf}`, before: 0, after: 1 });
    expect(second.discrepancies.find((d) => d.connection.id === sf)?.fieldMismatches).toBe(1);
    const sfAction = second.plan.find((p) => p.action.includes('field value(s) differ'));
    expect(sfAction).toMatchObject({ horizonDays: 30 });
    expect(sfAction!.action).toMatch(/got worse since the audit of \d{4}-\d{2}-\d{2} \(0 → 1\)/);
    const history = await audits();
    expect(history.totalCount).toBe(2);
    expect(history.nodes.map((n) => n.id)).toEqual([second.id, first!.id]);
  });

  it('serves a finished report as Markdown, CSV and JSON to ADMIN keys only', async () => {
    const [latest] = (await audits()).nodes;
    const get = (path: string, key?: string) => fetch(`${h.url}${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
    const md = await get(latest!.markdownPath!, admin);
    expect(md.status).toBe(200);
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    const text = await md.text();
    expect(text).toMatch(/^# Junction audit/);
    expect(text).toMatch(/## Since the audit of/);
    expect(text).toMatch(/field mismatches \| 0 \| 1 \| worsened \|/);
    const csv = await (await get(`/audits/${latest!.id}.csv`, admin)).text();
    expect(csv.split('\n')[0]).toBe('section,measure,connection,value,previous,change');
    expect(csv).toContain(`data quality,totalContacts,,${PEOPLE},${PEOPLE},UNCHANGED`);
    expect(csv).toMatch(/reconciliation,fieldMismatches,SALESFORCE test,1,0,WORSENED/);
    const json = (await (await get(`/audits/${latest!.id}.json`, admin)).json()) as { dataQuality: { totalContacts: number }; comparison: { previousId: string } };
    expect(json.dataQuality.totalContacts).toBe(PEOPLE);
    expect((await get(`/audits/${latest!.id}.md`)).status).toBe(401);
    expect((await get(`/audits/${latest!.id}.md`, await h.keyFor('OPERATOR'))).status).toBe(403);
    expect((await get(`/audits/00000000-0000-4000-8000-000000000000.md`, admin)).status).toBe(404);
    expect((await get(`/audits/${latest!.id}.pdf`, admin)).status).toBe(404);
    // Not finished yet: 409 with the state.
    const [{ id: queued }] = (await sync.db.dataSource.query(`INSERT INTO audit_reports (trigger, status) VALUES ('API', 'FAILED') RETURNING id`)) as Array<{ id: string }>;
    const pending = await get(`/audits/${queued}.csv`, admin);
    expect(pending.status).toBe(409);
    expect(await pending.text()).toMatch(/is FAILED/);
  });

  it('npm run audit asks the running server and writes its report as Markdown, CSV and JSON', async () => {
    const out = mkdtempSync(join(tmpdir(), 'junction-audit-'));
    const res = await runCli(['--out', out], { JUNCTION_API_URL: h.url, JUNCTION_API_KEY: admin });
    expect(res.stderr).toMatch(/^audit [0-9a-f-]{36} (queued|running) on http/);
    expect(res.code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.map((f) => f.replace(/^audit-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}/, 'audit'))).toEqual(['audit.csv', 'audit.json', 'audit.md']);
    expect(readFileSync(join(out, files[2]!), 'utf8')).toMatch(/^# Junction audit/);
    expect((await audits()).nodes[0]!.status).toBe('SUCCEEDED');
  });

  it('queues a schedule slot once however often it is offered, runs it, and an audit whose instance stopped blocks no other', async () => {
    const slot = new Date('2027-01-01T03:00:00Z');
    await worker.stop();
    const scheduled = await jobs.request('SCHEDULE', null, slot);
    expect(scheduled).toMatchObject({ queued: true, audit: { trigger: 'SCHEDULE', status: 'QUEUED' } });
    expect(scheduled!.audit.scheduledFor?.toISOString()).toBe(slot.toISOString());
    expect(await jobs.request('SCHEDULE', null, slot)).toBeNull();
    // The instance that took it died mid-run: its beat stopped a while ago.
    await sync.db.dataSource.query(`UPDATE audit_reports SET status = 'RUNNING', started_at = now(), heartbeat_at = now() - interval '5 minutes' WHERE id = $1`, [scheduled!.audit.id]);
    const next = await jobs.request('API');
    expect(next?.queued).toBe(true);
    expect(next?.audit.id).not.toBe(scheduled!.audit.id);
    expect((await jobs.byId(scheduled!.audit.id))?.audit).toMatchObject({ status: 'FAILED', error: expect.stringMatching(/^INTERRUPTED/) });
    await sync.db.dataSource.query(`UPDATE audit_reports SET status = 'FAILED' WHERE id = $1`, [next!.audit.id]);

    // A worker whose clock is an hour on, with an hourly schedule: the slot has come, and it runs.
    const inAnHour = new Date(Date.now() + 3600_000);
    worker = new AuditWorker(sync.db.dataSource, new AuditService(sync.db.dataSource, sync.connections), jobs, { schedule: '0 * * * *', now: () => inAnHour, pollMs: 500, beatMs: 1000 });
    worker.start();
    const hour = new Date(Math.floor(inAnHour.getTime() / 3600_000) * 3600_000);
    let ran: Node | undefined;
    for (let i = 0; i < 600 && ran?.status !== 'SUCCEEDED'; i++) {
      const [{ id } = { id: '' }] = (await sync.db.dataSource.query(`SELECT id FROM audit_reports WHERE scheduled_for = $1`, [hour])) as Array<{ id: string }>;
      ran = id ? (await audits()).nodes.find((n) => n.id === id) : undefined;
      if (ran?.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(ran?.status).toBe('SUCCEEDED');
    const [{ n }] = (await sync.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_reports WHERE trigger = 'SCHEDULE'`)) as Array<{ n: number }>;
    expect(n).toBe(2);
  });

  it('npm run audit refuses, with what to do instead, when another process holds the embedded store', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'junction-audit-held-'));
    const held = await openDatabase({ embeddedDir: join(dataDir, 'pgdata') });
    try {
      const res = await runCli([], { JUNCTION_DATA_DIR: dataDir, JUNCTION_MASTER_KEY: 'a'.repeat(64) });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`audit refused: Junction (pid ${process.pid}) is running on the embedded store in ${join(dataDir, 'pgdata')}`);
      expect(res.stderr).toContain('JUNCTION_API_URL=http://localhost:<port> JUNCTION_API_KEY=<ADMIN key> npm run audit');
    } finally {
      await held.close();
    }
  });
});

/** The script as a child process, asynchronously: the audit worker of this process must go on running meanwhile. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', './scripts/register.cjs', 'scripts/audit.ts', ...args], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

