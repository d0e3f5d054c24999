/**
 * The operations read models no API test pins down row by row: the dashboard's quarantine
 * preview, the health series' span, and what the audit reads (data-quality counts, live and
 * idle keys, failed authentications, credential expiries, links under reconciliation,
 * active alerts). Each is run against rows placed on its edges, on PostgreSQL and PGlite.
 */
import { describe, expect, it } from 'vitest';
import { reviewAccess, tokensByExpiry } from '../../../src/process/audit/access-review';
import { measureDataQuality } from '../../../src/process/audit/data-quality';
import { HealthService } from '../../../src/process/health/health.service';
import { countActiveAlerts } from '../../../src/process/store/ops/alert.repository';
import { pendingQuarantine } from '../../../src/process/store/ops/quarantine-preview.read-model';
import { linkedRecords, quarantinedRemoteIds } from '../../../src/process/store/ops/reconciliation.read-model';
import { insertCompany, insertConnection, insertContact } from '../../support/builders';
import { useDatabase } from '../../support/database';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const db = useDatabase({ resetEach: true });

const sql = (text: string, params: unknown[] = []) => db.dataSource.query(text, params);

describe('pendingQuarantine', () => {
  it('lists pending rows only, newest first, at most `first`', async () => {
    const connection = await insertConnection(db.dataSource);
    const quarantine = (remoteId: string, status: string, minutesAgo: number) =>
      sql(
        `INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues, status, created_at) VALUES ($1, 'CONTACT', 'Contact', $2, '{}', $3, $4, $5)`,
        [connection, remoteId, JSON.stringify([{ field: 'email', rule: 'FORMAT' }]), status, new Date(Date.now() - minutesAgo * MINUTE)],
      );
    await quarantine('old', 'PENDING', 30);
    await quarantine('resolved', 'RESOLVED', 5);
    await quarantine('new', 'PENDING', 1);
    await quarantine('middle', 'PENDING', 10);

    const rows = await pendingQuarantine(db.dataSource, 2);
    expect(rows.map((r) => r.remoteId)).toEqual(['new', 'middle']);
    expect(rows[0]).toMatchObject({ connectionId: connection, recordKind: 'CONTACT', issues: [{ field: 'email', rule: 'FORMAT' }] });
    expect(rows[0]!.createdAt).toBeInstanceOf(Date);
    expect((await pendingQuarantine(db.dataSource, 10)).map((r) => r.remoteId)).toEqual(['new', 'middle', 'old']);
  });
});

describe('health series span', () => {
  const NOW = new Date('2025-03-01T12:00:00.000Z');
  const run = async (connection: string, finishedMsAgo: number, dryRun = false) =>
    sql(`INSERT INTO sync_runs (connection_id, mode, status, finished_at, dry_run) VALUES ($1, 'INCREMENTAL', 'SUCCEEDED', $2, $3)`, [connection, new Date(NOW.getTime() - finishedMsAgo), dryRun]);

  it('covers the time since the first real run in the window plus a minute, or the whole window with none', async () => {
    const connection = await insertConnection(db.dataSource);
    const health = new HealthService(db.dataSource, () => NOW);
    await run(connection, 2 * DAY); // before the 24 h window
    await run(connection, 30 * MINUTE, true); // a dry run: never the first
    expect((await health.series(DAY, 4))[0]!.at.toISOString()).toBe(new Date(NOW.getTime() - 3 * (DAY / 4)).toISOString());

    await run(connection, 10 * MINUTE);
    const series = await health.series(DAY, 11);
    // 11 minutes in 11 buckets of one minute: the oldest bucket ends 10 minutes before now.
    expect(series.map((p) => p.at.toISOString())).toEqual(Array.from({ length: 11 }, (_, i) => new Date(NOW.getTime() - (10 - i) * MINUTE).toISOString()));
    expect(series.reduce((n, p) => n + p.runs, 0)).toBe(1);
  });
});

describe('audit reads', () => {
  it('counts duplicates, missing required fields, invalid emails and stale contacts among live ones', async () => {
    const now = new Date();
    const first = await insertContact(db.dataSource, { email: 'Dup@Example.com', last_name: 'A' });
    await insertContact(db.dataSource, { email: 'dup@example.com', last_name: 'B' });
    await insertContact(db.dataSource, { email: 'not-an-email', last_name: 'C' });
    await insertContact(db.dataSource, { email: null, last_name: 'D' });
    await insertContact(db.dataSource, { email: 'e@example.com', last_name: '' });
    await insertContact(db.dataSource, { email: 'f@example.com', last_name: 'F', updated_at: new Date(now.getTime() - 200 * DAY) });
    await insertContact(db.dataSource, { email: 'g@example.com', last_name: 'G', updated_at: new Date(now.getTime() - 170 * DAY) });
    // Neither a deleted nor a merged contact counts, not even as a duplicate.
    await insertContact(db.dataSource, { email: 'dup@example.com', last_name: 'Deleted', deleted_at: now, updated_at: new Date(0) });
    await insertContact(db.dataSource, { email: 'dup@example.com', last_name: '', merged_into: first });

    const quality = await measureDataQuality(db.dataSource, now);
    expect(quality.totalContacts).toBe(7);
    expect(quality.counts).toEqual({ duplicates: 1, missingRequired: 2, invalidEmails: 1, stale: 1 });
    expect(quality.staleRate).toBeCloseTo(1 / 7);
  });

  it('reviews live keys (broad ones by role, idle ones longest idle first) and failed authentications in the day before now', async () => {
    const now = new Date();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const key = (name: string, role: string, values: { created?: Date; used?: Date; revoked?: Date; expires?: Date } = {}) =>
      sql(`INSERT INTO api_keys (name, role, prefix, key_hash, created_at, last_used_at, revoked_at, expires_at) VALUES ($1, $2, 'jk_abcde', $1, $3, $4, $5, $6)`, [
        name,
        role,
        values.created ?? ago(DAY),
        values.used ?? null,
        values.revoked ?? null,
        values.expires ?? null,
      ]);
    await key('operator idle', 'OPERATOR', { created: ago(100 * DAY) });
    await key('admin busy', 'ADMIN', { created: ago(300 * DAY), used: ago(DAY) });
    await key('viewer idle', 'VIEWER', { created: ago(200 * DAY), used: ago(95 * DAY) });
    await key('admin revoked', 'ADMIN', { created: ago(300 * DAY), revoked: ago(DAY) });
    await key('partner expired', 'PARTNER', { created: ago(300 * DAY), expires: ago(MINUTE) });
    const failure = (at: Date, count: number) => sql(`INSERT INTO auth_failures (at, reason, transport, count) VALUES ($1, 'UNKNOWN_KEY', 'http', $2)`, [at, count]);
    await failure(ago(60 * MINUTE), 3);
    await failure(ago(23 * 60 * MINUTE), 1);
    await failure(ago(25 * 60 * MINUTE), 5);

    const review = await reviewAccess(db.dataSource, now);
    expect(review.broadKeys.map((k) => k.name)).toEqual(['admin busy', 'operator idle']);
    expect(review.apiKeysWithBroadRoles).toBe(2);
    expect(review.unusedKeys.map((k) => k.name)).toEqual(['operator idle', 'viewer idle']);
    expect(review.unusedKeys[1]).toMatchObject({ role: 'VIEWER', prefix: 'jk_abcde', expiresAt: null });
    expect(review.unusedKeys[1]!.lastUsedAt!.getTime()).toBe(ago(95 * DAY).getTime());
    expect(review.failedAuthLast24h).toBe(4);
    // `now` bounds the day: looked at from two hours back, the newest rows are out and the 25-hour-old one in.
    expect((await reviewAccess(db.dataSource, ago(120 * MINUTE))).failedAuthLast24h).toBe(6);
  });

  it("orders live connections by the earlier of their credentials' and refresh token's expiry, else their access token's, unknown last", async () => {
    const settings = (credentialsExpireAt: unknown) => JSON.stringify({ credentialsExpireAt });
    const rotating = await insertConnection(db.dataSource, { name: 'rotating', settings: settings('2030-01-01T00:00:00Z'), token_expires_at: new Date('2029-01-01T00:00:00Z') });
    const tokenOnly = await insertConnection(db.dataSource, { name: 'token only', token_expires_at: new Date('2029-06-01T00:00:00Z') });
    const unknown = await insertConnection(db.dataSource, { name: 'a malformed date', settings: settings('next spring') });
    const refreshing = await insertConnection(db.dataSource, { name: 'refreshing', settings: settings('2031-01-01T00:00:00Z'), refresh_token_expires_at: new Date('2029-03-01T00:00:00Z') });
    await insertConnection(db.dataSource, { name: 'deleted', deleted_at: new Date(), token_expires_at: new Date('2020-01-01T00:00:00Z') });

    expect(await tokensByExpiry(db.dataSource)).toEqual([
      { connectionId: refreshing, connectionName: 'refreshing', expiresAt: new Date('2029-03-01T00:00:00Z'), source: 'refresh token' },
      { connectionId: tokenOnly, connectionName: 'token only', expiresAt: new Date('2029-06-01T00:00:00Z'), source: 'access token' },
      { connectionId: rotating, connectionName: 'rotating', expiresAt: new Date('2030-01-01T00:00:00Z'), source: 'credentials' },
      { connectionId: unknown, connectionName: 'a malformed date', expiresAt: null, source: 'unknown' },
    ]);
  });

  it('reads links with their records (alive, delivery pending, stored values) and the remote ids waiting in quarantine', async () => {
    const connection = await insertConnection(db.dataSource);
    const other = await insertConnection(db.dataSource);
    const live = await insertContact(db.dataSource, { email: 'live@example.com', first_name: 'Live', last_name: 'One', city: 'Lyon' });
    const merged = await insertContact(db.dataSource, { merged_into: live });
    const company = await insertCompany(db.dataSource, { deleted_at: new Date() });
    const link = (recordKind: string, recordId: string, remoteType: string, remoteId: string, at = connection) =>
      sql(`INSERT INTO source_links (record_kind, record_id, connection_id, remote_type, remote_id) VALUES ($1, $2, $3, $4, $5)`, [recordKind, recordId, at, remoteType, remoteId]);
    await link('CONTACT', live, 'Contact', '003A');
    await link('CONTACT', merged, 'Contact', '003B');
    await link('CONTACT', '00000000-0000-4000-8000-000000000001', 'Contact', '003C'); // its record is gone
    await link('CONTACT', live, 'Lead', '00QA'); // another remote type
    await link('CONTACT', live, 'Contact', '003X', other); // another connection
    await link('COMPANY', company, 'Account', '001A');
    await sql(`INSERT INTO outbox (connection_id, record_kind, record_id) VALUES ($1, 'CONTACT', $2)`, [connection, live]);

    const contacts = await linkedRecords(db.dataSource, connection, 'Contact', 'CONTACT');
    expect([...contacts.keys()].sort()).toEqual(['003A', '003B', '003C']);
    expect(contacts.get('003A')).toMatchObject({ recordId: live, alive: true, pending: true });
    expect(contacts.get('003A')!.values).toMatchObject({ email: 'live@example.com', firstName: 'Live', lastName: 'One', city: 'Lyon', phone: null });
    expect(contacts.get('003B')).toMatchObject({ recordId: merged, alive: false, pending: false });
    expect(contacts.get('003C')).toMatchObject({ alive: false });
    expect(await linkedRecords(db.dataSource, connection, 'Account', 'COMPANY')).toEqual(new Map([['001A', { recordId: company, alive: false, pending: false, values: {} }]]));

    const quarantine = (remoteType: string, remoteId: string | null, status: string, at = connection) =>
      sql(`INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues, status) VALUES ($1, 'CONTACT', $2, $3, '{}', '[]', $4)`, [at, remoteType, remoteId, status]);
    await quarantine('Contact', '003Q', 'PENDING');
    await quarantine('Contact', '003R', 'RESOLVED');
    await quarantine('Contact', null, 'PENDING');
    await quarantine('Lead', '00QQ', 'PENDING');
    await quarantine('Contact', '003Z', 'PENDING', other);
    expect(await quarantinedRemoteIds(db.dataSource, connection, 'Contact')).toEqual(new Set(['003Q']));
  });

  it('counts the active alerts', async () => {
    const alert = (key: string, resolvedAt: Date | null) =>
      sql(`INSERT INTO alerts (kind, severity, dedupe_key, message, resolved_at) VALUES ('CIRCUIT_OPEN', 'CRITICAL', $1, 'open', $2)`, [key, resolvedAt]);
    await alert('a', null);
    await alert('b', null);
    await alert('a', new Date());
    expect(await countActiveAlerts(db.dataSource)).toBe(2);
  });
});
