/**
 * One contract suite, run against every registered CRM's adapter and emulator: what the
 * process tier relies on must hold for each of them, resilience included (token refresh,
 * Retry-After, 503s, timeouts, quota and usage). Per-CRM facts are data in
 * test/support/crms/; a registered CRM without a fixture there fails this suite.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople, registeredCrms, SystemError, type CallFailure, type CrmKind, type RunningEmulator, type SystemAdapter } from '../../src/system';
import { fixtureFor, type CrmFixture } from '../support/crms';
import { admin, collect, crmAdapter, NO_RETRY, SANDBOX, startCrmEmulator, stats, stored, useCrmEmulator } from '../support/emulators';

async function rejection(promise: Promise<unknown>): Promise<SystemError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof SystemError) return err;
  throw err ?? new Error('expected a SystemError');
}

/** The flow a sync relies on, in order, against one emulator. */
function recordFlow(kind: CrmKind, f: CrmFixture): void {
  let emulator: RunningEmulator;
  let adapter: SystemAdapter;

  beforeAll(async () => {
    emulator = await startCrmEmulator(kind);
    // With a refresh token, so the revoked-grant check below applies to every vendor.
    ({ adapter } = crmAdapter(kind, emulator, { ...SANDBOX, ...f.credentials }, { limiter: { id: randomUUID() }, timeoutMs: 3000 }));
  });
  afterAll(async () => {
    await adapter?.close();
    await emulator?.close();
  });

  it('tests the connection', async () => {
    const r = await adapter.testConnection();
    expect(r.ok).toBe(true);
    expect(r.apiVersion).toBe(adapter.apiVersion);
    expect(r.apiVersion).toBe(f.apiVersion);
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
  });

  const ids = [randomUUID(), randomUUID(), randomUUID()];
  let created: string[] = [];

  it('creates by external id, and a replay creates nothing new', async () => {
    const batch = ids.map((junctionId, n) => ({ junctionId, fields: f.valid(n) }));
    const first = await adapter.upsert(f.contactType, batch);
    expect(first.map((r) => r.ok)).toEqual([true, true, true]);
    created = first.map((r) => r.remoteId!);
    const replay = await adapter.upsert(f.contactType, batch);
    expect(replay.map((r) => r.remoteId)).toEqual(created);
    expect(await stored(emulator, f.contactType)).toHaveLength(3);
  });

  it('reports a rejected record as a classified result, in input order, without throwing', async () => {
    const r = await adapter.upsert(f.contactType, [
      { junctionId: randomUUID(), fields: f.invalid },
      { junctionId: randomUUID(), fields: f.valid(9) },
    ]);
    expect(r[0]).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION' } });
    expect(r[1]!.ok).toBe(true);
  });

  let cursor: string | null = null;
  it('lists changes oldest first with only the requested fields, and resumes from a cursor', async () => {
    const pages = await collect(adapter.listChanged(f.contactType, null, { fields: f.fields }));
    const records = pages.flatMap((p) => p.records);
    expect(records.map((r) => r.remoteId)).toEqual(expect.arrayContaining(created));
    const stamps = records.map((r) => r.modifiedAt);
    expect([...stamps].sort()).toEqual(stamps);
    for (const r of records) {
      expect(r.modifiedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(r.deleted).toBe(false);
      for (const field of f.fields) expect(field in r.fields).toBe(true);
    }
    cursor = pages.at(-1)!.cursor;
    const [field, value] = f.update;
    const upd = await adapter.upsert(f.contactType, [{ remoteId: created[1], junctionId: ids[1]!, fields: { [field]: value } }]);
    expect(upd[0]!.ok).toBe(true);
    const next = (await collect(adapter.listChanged(f.contactType, cursor, { fields: f.fields }))).flatMap((p) => p.records);
    const changed = next.filter((r) => r.remoteId === created[1]);
    expect(changed).toHaveLength(1);
    expect(changed[0]!.fields[field]).toBe(value);
    expect(next.filter((r) => r.remoteId === created[2])).toHaveLength(0);
    cursor = (await collect(adapter.listChanged(f.contactType, cursor, { fields: f.fields }))).at(-1)?.cursor ?? cursor;
  });

  it('exports every record in bulk', async () => {
    const batches = await collect(adapter.bulkExport(f.contactType, { fields: f.fields }));
    expect(batches.flatMap((b) => b.records).map((r) => r.remoteId)).toEqual(expect.arrayContaining(created));
  });

  it('archives, and the archive shows as a deleted change', async () => {
    const r = await adapter.archive(f.contactType, [created[0]!]);
    expect(r[0]!.ok).toBe(true);
    const next = (await collect(adapter.listChanged(f.contactType, cursor, { fields: f.fields }))).flatMap((p) => p.records);
    expect(next.find((x) => x.remoteId === created[0])?.deleted).toBe(true);
  });

  it('reads API usage from the vendor', async () => {
    const usage = await adapter.getUsage();
    expect(usage.limit).toBeGreaterThan(0);
    expect(usage.used).toBeGreaterThan(0);
  });

  it('refreshes an expired token once and carries on', async () => {
    const calls = adapter.stats.apiCalls;
    await admin(emulator, 'POST', 'faults', { expireTokens: true });
    expect((await adapter.testConnection()).ok).toBe(true);
    expect(adapter.stats.apiCalls).toBe(calls + 2); // the rejected call and its replay
  });

  it("refuses a revoked refresh token with the vendor's own answer, classified AUTHENTICATION, until the faults are cleared", async () => {
    await admin(emulator, 'POST', 'faults', { revokeRefreshTokens: true, expireTokens: true });
    try {
      const refused = await rejection(adapter.refreshToken());
      expect(refused).toMatchObject({ errorClass: 'AUTHENTICATION', code: f.refusal, details: { status: 400 } });
      // A call needing a token fails the same way: one refused grant, no loop.
      const test = await adapter.testConnection();
      expect(test).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION' });
    } finally {
      await admin(emulator, 'DELETE', 'faults');
    }
    expect((await adapter.testConnection()).ok).toBe(true);
  });

  it('waits out Retry-After on a 429 and never calls during the back-off', async () => {
    await admin(emulator, 'POST', 'faults', { rate429: 1, retryAfterSeconds: 1 });
    setTimeout(() => void admin(emulator, 'POST', 'faults', { rate429: 0 }), 300);
    const started = Date.now();
    expect((await adapter.testConnection()).ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const s = await stats(emulator);
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.overLimit).toBe(0);
  });
}

/** Tokens, limits, faults and usage, each on a fresh emulator (moved here from the per-CRM adapter tests). */
function resilience(kind: CrmKind, f: CrmFixture): void {
  const crm = useCrmEmulator(kind, f.credentials);
  const another = (overrides: Parameters<typeof crmAdapter>[3]) => crmAdapter(kind, crm.emu, f.credentials, overrides).adapter;
  /** Every record of the contact object, through a bulk export (pages of `pageSize`). */
  const exportAll = async (a: SystemAdapter, pageSize?: number) => collect(a.bulkExport(f.contactType, { fields: [f.emailField], pageSize }));

  describe('tokens', () => {
    it('refreshes once and replays after the emulator expires every token, reporting the new token and its lifetime', async () => {
      crm.emu.seed(demoPeople(3));
      const contacts = (await stored(crm.emu, f.contactType)).length;
      await exportAll(crm.adapter);
      expect(crm.tokens).toHaveLength(1);
      const lifetime = Date.parse(crm.tokens[0]!.expiresAt ?? '') - Date.now();
      expect(lifetime).toBeGreaterThan(f.tokenLifetimeMs[0]);
      expect(lifetime).toBeLessThanOrEqual(f.tokenLifetimeMs[1]);
      await admin(crm.emu, 'POST', 'faults', { expireTokens: true });
      const pages = await exportAll(crm.adapter);
      expect(pages.flatMap((p) => p.records)).toHaveLength(contacts);
      expect(crm.tokens).toHaveLength(2);
      expect(crm.tokens[1]!.accessToken).not.toBe(crm.tokens[0]!.accessToken);
      const renewed = Date.parse(crm.tokens[1]!.expiresAt ?? '') - Date.now();
      expect(renewed).toBeGreaterThan(f.tokenLifetimeMs[0]);
      expect(renewed).toBeLessThanOrEqual(f.tokenLifetimeMs[1]);
      expect((await stats(crm.emu)).byStatus['401']).toBe(1);
      expect(crm.adapter.stats.tokenExpiresAt).toBe(crm.tokens[1]!.expiresAt);
    });

    // Only a CRM whose tokens live long enough to be renewed early has this behaviour: the test exists where it applies, not as a skip elsewhere.
    if (f.refreshesAhead)
      it('refreshes ahead of expiry without a 401', async () => {
        await admin(crm.emu, 'POST', 'token-ttl', { ttlMs: 1000 });
        await crm.adapter.refreshToken();
        await crm.adapter.getUsage();
        await new Promise((r) => setTimeout(r, 950));
        await exportAll(crm.adapter);
        expect(crm.tokens).toHaveLength(2);
        expect((await stats(crm.emu)).byStatus['401']).toBeUndefined();
      });

    it('counts refreshToken and calls through the transport', async () => {
      const token = await crm.adapter.refreshToken();
      expect(token.accessToken).toBeTruthy();
      expect(crm.adapter.stats.tokenExpiresAt).toBe(token.expiresAt);
      const before = crm.adapter.stats.apiCalls;
      await crm.adapter.testConnection();
      expect(crm.adapter.stats.apiCalls).toBe(before + 1);
    });

    it('classifies refused credentials as AUTHENTICATION without retrying, never echoing the secret', async () => {
      const bad = another({ credentials: f.badCredentials.credentials });
      try {
        const err = await rejection(bad.refreshToken());
        expect(err).toMatchObject({ errorClass: 'AUTHENTICATION', code: f.badCredentials.code });
        expect(err.message).toContain(f.badCredentials.message);
        const result = await bad.testConnection();
        expect(result).toMatchObject({ ok: false, errorClass: 'AUTHENTICATION', apiVersion: f.apiVersion });
        expect(result.message).toContain(f.badCredentials.message);
        expect(result.message).not.toContain(f.badCredentials.credentials.clientSecret);
      } finally {
        await bad.close();
      }
    });
  });

  describe('limits and faults', () => {
    it('honours Retry-After on a rate limit while paging and never calls during the back-off', async () => {
      crm.emu.seed(demoPeople(3));
      const contacts = (await stored(crm.emu, f.contactType)).length;
      await admin(crm.emu, 'POST', 'faults', { rateLimit: { requests: 2, windowMs: 1000 } });
      const started = Date.now();
      const pages = await exportAll(crm.adapter, 1);
      expect(pages).toHaveLength(contacts);
      expect(pages.flatMap((p) => p.records)).toHaveLength(contacts);
      const s = await stats(crm.emu);
      expect(s.rateLimited).toBeGreaterThanOrEqual(1);
      expect(s.overLimit).toBe(0);
      // Retry-After (1 s) wins over the 20 ms test backoff.
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    });

    it('gives up on a 429 after the retries with RATE_LIMIT and the vendor code', async () => {
      await crm.adapter.refreshToken();
      await admin(crm.emu, 'POST', 'faults', { rate429: 1, retryAfterSeconds: 0 });
      const err = await rejection(crm.adapter.getUsage());
      expect(err).toMatchObject({ errorClass: 'RATE_LIMIT', code: f.rateLimitCode });
      expect((await stats(crm.emu)).rateLimited).toBe(4);
    });

    it('tells every failed attempt once its call ends: recovered when a retry got through, final when the call gave up', async () => {
      const failures: CallFailure[] = [];
      const a = another({ onCallFailure: (x) => failures.push(x) });
      try {
        expect((await a.testConnection()).ok).toBe(true);
        expect(failures).toEqual([]);
        await admin(crm.emu, 'POST', 'faults', { expireTokens: true });
        expect((await a.testConnection()).ok).toBe(true);
        expect(failures).toEqual([expect.objectContaining({ errorClass: 'AUTHENTICATION', recovered: true })]);
        failures.length = 0;
        const before = (await stats(crm.emu)).rateLimited;
        await admin(crm.emu, 'POST', 'faults', { rate429: 1, retryAfterSeconds: 0 });
        expect((await a.testConnection()).ok).toBe(false);
        // Each 429 answered once, told once, all final: the call gave up after its retries.
        expect(failures.length).toBe((await stats(crm.emu)).rateLimited - before);
        expect(failures.length).toBe(4);
        expect(failures.every((x) => x.errorClass === 'RATE_LIMIT' && !x.recovered)).toBe(true);
      } finally {
        await a.close();
      }
    });

    it('ends a spent quota in RATE_LIMIT with the vendor code, retrying only where the vendor asks to wait', async () => {
      await crm.adapter.refreshToken();
      await admin(crm.emu, 'POST', 'faults', f.usage.fault ?? {});
      await crm.adapter.getUsage();
      await admin(crm.emu, 'POST', 'faults', { quotaRemaining: 0 });
      const before = (await stats(crm.emu)).requests;
      const probe = f.quota.retried ? another({ retry: NO_RETRY }) : crm.adapter;
      try {
        const err = await rejection(f.quota.retried ? probe.getUsage() : collect(probe.bulkExport(f.contactType, { fields: [] })));
        expect(err).toMatchObject(f.quota.error);
        if (!f.quota.retried) expect((await stats(crm.emu)).requests - before).toBe(1);
      } finally {
        if (probe !== crm.adapter) await probe.close();
      }
    });

    it('retries 503s and then succeeds', async () => {
      crm.emu.seed(demoPeople(2));
      const contacts = (await stored(crm.emu, f.contactType)).length;
      await crm.adapter.refreshToken();
      await admin(crm.emu, 'POST', 'faults', { rate5xx: 1 });
      const pending = exportAll(crm.adapter);
      setTimeout(() => void admin(crm.emu, 'DELETE', 'faults'), 30);
      expect((await pending).flatMap((p) => p.records)).toHaveLength(contacts);
      expect((await stats(crm.emu)).byStatus['503']).toBeGreaterThanOrEqual(1);
      await admin(crm.emu, 'POST', 'faults', { rate5xx: 1 });
      setTimeout(() => void admin(crm.emu, 'POST', 'faults', { rate5xx: 0 }), 30);
      expect((await crm.adapter.testConnection()).ok).toBe(true);
    });

    it('retries 503s a bounded number of times, then fails as SERVER', async () => {
      await crm.adapter.refreshToken();
      await admin(crm.emu, 'POST', 'faults', { rate5xx: 1 });
      const before = (await stats(crm.emu)).requests;
      await expect(exportAll(crm.adapter)).rejects.toMatchObject({ errorClass: 'SERVER', code: f.serverCode });
      expect((await stats(crm.emu)).requests - before).toBe(4);
    });

    it('times out a call the emulator never answers, classified TIMEOUT', async () => {
      const impatient = another({ timeoutMs: 200, retry: NO_RETRY });
      try {
        await impatient.refreshToken();
        await admin(crm.emu, 'POST', 'faults', { timeoutRate: 1 });
        expect(await impatient.testConnection()).toMatchObject({ ok: false, errorClass: 'TIMEOUT' });
        expect((await rejection(collect(impatient.bulkExport(f.contactType, { fields: [] })))).errorClass).toBe('TIMEOUT');
      } finally {
        await admin(crm.emu, 'DELETE', 'faults');
        await impatient.close();
      }
    });

    it('reports an unreachable host as NETWORK without throwing', async () => {
      const nowhere = crmAdapter(kind, 'http://127.0.0.1:9', f.credentials, { retry: NO_RETRY }).adapter;
      expect(await nowhere.testConnection()).toMatchObject({ ok: false, errorClass: 'NETWORK' });
      await nowhere.close();
    });
  });

  describe('usage and connection', () => {
    it("reads usage from the vendor's headers, with one call when none was seen", async () => {
      if (f.usage.fault) await admin(crm.emu, 'POST', 'faults', f.usage.fault);
      expect(await crm.adapter.getUsage()).toEqual(f.usage.first);
      expect(crm.adapter.stats.apiCalls).toBe(1);
      expect((await crm.adapter.testConnection()).ok).toBe(true);
      expect(crm.adapter.stats.lastUsage).toEqual(f.usage.afterOneCall);
      if (f.usage.fromHeaders) {
        // Usage seen on an answer is read without another call.
        expect(await crm.adapter.getUsage()).toEqual(f.usage.afterOneCall);
        expect(crm.adapter.stats.apiCalls).toBe(2);
      }
    });

    it('measures latency on a successful connection test', async () => {
      await admin(crm.emu, 'POST', 'faults', { latencyMs: 40 });
      const result = await crm.adapter.testConnection();
      expect(result).toMatchObject({ ok: true, apiVersion: f.apiVersion });
      expect(result.latencyMs).toBeGreaterThanOrEqual(35);
    });
  });
}

for (const kind of registeredCrms()) {
  const f = fixtureFor(kind);
  describe(`adapter contract: ${kind}`, () => {
    if (!f) {
      it('has an emulator fixture in test/support/crms/', () => {
        expect.fail(`${kind} is registered but test/support/crms/index.ts has no fixture for it: the contract cannot be checked`);
      });
      return;
    }
    recordFlow(kind, f);
    describe('resilience', () => resilience(kind, f));
  });
}
