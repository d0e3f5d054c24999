/**
 * Circuit breaker, tokens and quotas against the emulators' fault injection (SPEC §2),
 * through real HTTP, the real database, the sync engine and worker — and the circuit as
 * the Connections GraphQL query shows it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import type { CrmKind } from '../../src/system';
import { gql, startHarness, type Harness } from '../support/harness';
import { ONE_ATTEMPT, startSyncHarness, type SyncHarness, useSyncHarness } from '../support/sync-harness';

const KINDS: CrmKind[] = ['SALESFORCE', 'HUBSPOT'];
const OPEN_MS = 1500;

interface ConnectionRow {
  status: string;
  status_reason: string | null;
  circuit: string;
  paused_until: Date | null;
  token_expires_at: Date | null;
}

const connectionRow = async (h: SyncHarness, kind: CrmKind): Promise<ConnectionRow> =>
  (await h.sql<ConnectionRow>(`SELECT status, status_reason, circuit, paused_until, token_expires_at FROM connections WHERE id = $1`, [h.connectionIds.get(kind)]))[0]!;

const errorClasses = async (h: SyncHarness, kind: CrmKind): Promise<string[]> =>
  (await h.sql<{ error_class: string }>(`SELECT error_class FROM sync_errors WHERE connection_id = $1 ORDER BY first_seen_at`, [h.connectionIds.get(kind)])).map(
    (r) => r.error_class,
  );

describe('circuit breaker per connection', () => {
  let h: SyncHarness;
  let api: Harness;
  let admin: string;
  const circuits = async () => {
    const r = await gql<{ connections: Array<{ id: string; kind: string; circuit: string }> }>(api.url, `{ connections { id kind circuit } }`, {}, admin);
    return Object.fromEntries(r.body.data!.connections.map((c) => [c.kind, c.circuit]));
  };

  beforeAll(async () => {
    h = await startSyncHarness({ seed: { SALESFORCE: 20, HUBSPOT: 20 }, circuit: { failureThreshold: 5, openMs: OPEN_MS }, runRetry: ONE_ATTEMPT });
    api = await startHarness(h.db);
    admin = await api.keyFor('VIEWER');
  });
  afterAll(async () => {
    await api?.close();
    await h?.close();
  });

  it('five consecutive vendor failures open the circuit; then calls fail fast without touching the vendor', async () => {
    await h.faults('HUBSPOT', { rate5xx: 1 });
    // The first call is tried 4 times (1 + 3 retries); the next run's first failure is the fifth.
    const first = await h.sync('HUBSPOT');
    expect(first.status).toBe('FAILED');
    expect((await connectionRow(h, 'HUBSPOT')).circuit).toBe('CLOSED');
    const second = await h.sync('HUBSPOT');
    expect(second.status).toBe('FAILED');
    expect(second.error).toMatch(/circuit open/);
    expect((await h.emulatorStats('HUBSPOT')).requests).toBe(5);
    expect(await circuits()).toEqual({ SALESFORCE: 'CLOSED', HUBSPOT: 'OPEN' });

    const third = await h.sync('HUBSPOT');
    expect(third.status).toBe('FAILED');
    expect(third.error).toMatch(/CIRCUIT_OPEN|circuit open/);
    expect((await h.emulatorStats('HUBSPOT')).requests).toBe(5);
    expect(await errorClasses(h, 'HUBSPOT')).toContain('SERVER');
  });

  it("an open circuit pauses only that connection's runs", async () => {
    h.clock.now = new Date();
    await h.worker.scheduleAll();
    const queued = await h.sql<{ connection_id: string }>(`SELECT connection_id FROM sync_runs WHERE status = 'QUEUED'`);
    expect(queued.map((r) => r.connection_id)).toEqual([h.connectionIds.get('SALESFORCE')]);
    await h.worker.drain();
    const sf = await h.sql<{ status: string }>(`SELECT status FROM sync_runs WHERE connection_id = $1 ORDER BY created_at DESC LIMIT 1`, [
      h.connectionIds.get('SALESFORCE'),
    ]);
    expect(sf[0]!.status).toBe('SUCCEEDED');
  });

  it('after the open period one probe goes out, and its success closes the circuit', async () => {
    await h.clearFaults('HUBSPOT');
    await new Promise((r) => setTimeout(r, OPEN_MS + 100));
    h.clock.now = new Date();
    await h.worker.scheduleAll();
    const queued = await h.sql<{ connection_id: string }>(`SELECT connection_id FROM sync_runs WHERE status = 'QUEUED'`);
    expect(queued.map((r) => r.connection_id)).toContain(h.connectionIds.get('HUBSPOT'));
    await h.worker.drain();
    await h.connections.flushCircuitWrites();
    const last = await h.sql<{ status: string }>(`SELECT status FROM sync_runs WHERE connection_id = $1 ORDER BY created_at DESC LIMIT 1`, [
      h.connectionIds.get('HUBSPOT'),
    ]);
    expect(last[0]!.status).toBe('SUCCEEDED');
    expect(await circuits()).toEqual({ SALESFORCE: 'CLOSED', HUBSPOT: 'CLOSED' });
  });
});

describe('tokens', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({ seed: { SALESFORCE: 60, HUBSPOT: 60 }, runRetry: ONE_ATTEMPT });
    for (const kind of KINDS) expect((await h.sync(kind)).status).toBe('SUCCEEDED');
  });
  afterAll(async () => h?.close());

  it.each(KINDS)('%s: tokens expired mid-run cost exactly one refresh and the run completes; the expiry is stored', async (kind) => {
    const adapter = h.connections.adapterFor((await h.connections.get(h.connectionIds.get(kind)!))!);
    const refreshesBefore = adapter.stats.tokenRefreshes ?? 0;
    await h.faults(kind, { latencyMs: 40 });
    const run = runOf(await h.runs.trigger(h.connectionIds.get(kind)!, 'BULK'));
    const done = h.worker.drain();
    // Expire every token once the run has applied its first page.
    for (let i = 0; i < 400; i++) {
      const rows = await h.sql<{ records_read: number }>(`SELECT records_read FROM sync_runs WHERE id = $1`, [run.id]);
      if (rows[0]!.records_read > 0) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await h.faults(kind, { expireTokens: true });
    await done;
    await h.clearFaults(kind);
    const finished = (await h.runs.get(run.id))!;
    expect(finished.status).toBe('SUCCEEDED');
    expect((adapter.stats.tokenRefreshes ?? 0) - refreshesBefore).toBe(1);
    const row = await connectionRow(h, kind);
    expect(row.token_expires_at).not.toBeNull();
    expect(new Date(row.token_expires_at!).getTime()).toBeGreaterThan(Date.now());
  });
});

describe('a refused refresh token', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startSyncHarness({
      seed: { SALESFORCE: 5, HUBSPOT: 5 },
      credentials: { SALESFORCE: { refreshToken: 'revoked-refresh-token' }, HUBSPOT: { refreshToken: 'revoked-refresh-token' } }, runRetry: ONE_ATTEMPT,
    });
  });
  afterAll(async () => h?.close());

  it.each(KINDS)('%s: the connection is FAILING (not paused) with an AUTHENTICATION error, instead of looping', async (kind) => {
    const run = await h.sync(kind);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/^AUTHENTICATION/);
    const row = await connectionRow(h, kind);
    expect(row.status).toBe('FAILING');
    expect(row.status_reason).toMatch(/refused Junction's credentials.*updateConnection/);
    expect(row.paused_until).toBeNull();
    expect(await errorClasses(h, kind)).toEqual(['AUTHENTICATION']);
    // Nothing reached the vendor's API: the refusal came from the token endpoint.
    expect((await h.emulatorStats(kind)).requests).toBe(0);
  });

  it('the scheduler leaves connections with refused credentials alone', async () => {
    await h.worker.scheduleAll();
    expect(await h.sql(`SELECT id FROM sync_runs WHERE status = 'QUEUED'`)).toEqual([]);
  });
});

describe('daily quota exhausted', () => {
  const h = useSyncHarness({ seed: { SALESFORCE: 30, HUBSPOT: 30 }, runRetry: ONE_ATTEMPT });

  it.each(KINDS)('%s: the run ends PARTIAL with RATE_LIMIT, the connection pauses until the reset, then resumes by itself', async (kind) => {
    const id = h.connectionIds.get(kind)!;
    await h.faults(kind, { quotaRemaining: 2 });
    const run = await h.sync(kind);
    expect(run.status).toBe('PARTIAL');
    expect(run.error).toMatch(/^RATE_LIMIT/);
    expect(await errorClasses(h, kind)).toContain('RATE_LIMIT');
    const paused = await connectionRow(h, kind);
    expect(paused.status).toBe('PAUSED');
    expect(paused.status_reason).toMatch(/quota/);
    expect(paused.paused_until).not.toBeNull();
    const until = new Date(paused.paused_until!);
    expect(until.getTime()).toBeGreaterThan(Date.now());

    // Before the reset: nothing is scheduled for it.
    h.clock.now = new Date();
    await h.worker.scheduleAll();
    expect((await h.sql(`SELECT id FROM sync_runs WHERE status = 'QUEUED' AND connection_id = $1`, [id])).length).toBe(0);

    // The vendor's day rolls over (emulator clock), and so does ours: the connection resumes.
    await fetch(`${h.emulators.get(kind)!.url}/_emulator/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advanceMs: 25 * 3600_000 }),
    });
    h.clock.now = new Date(until.getTime() + 1000);
    await h.worker.scheduleAll();
    expect((await connectionRow(h, kind)).status).toBe('HEALTHY');
    const queued = await h.sql<{ id: string }>(`SELECT id FROM sync_runs WHERE status = 'QUEUED' AND connection_id = $1`, [id]);
    expect(queued.length).toBe(1);
    await h.worker.drain();
    expect((await h.runs.get(queued[0]!.id))!.status).toBe('SUCCEEDED');
    // The other connection's queued run (if any) ran too; clean up for the next vendor.
    await h.clearFaults(kind);
  });
});
