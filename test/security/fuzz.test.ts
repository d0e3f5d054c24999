/**
 * Schema-wide fuzz: every root query and mutation field of the built schema, called over
 * real HTTP against the real database with hostile values for each argument and input
 * field (huge strings, deep and wide JSON, invalid ids and cursors, negative and huge
 * numbers), under every role and without a key. No answer may be a 500 or a masked
 * INTERNAL_SERVER_ERROR, none may take 2 s or more, and the server keeps serving. The calls
 * come from the schema (fuzz-calls.ts), so a new field is fuzzed without editing this file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { buildJunctionSchema } from '../../src/experience';
import { AuditService } from '../../src/process/audit/audit.service';
import { ApiKeyService, type Role } from '../../src/process/access';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { openApiPool, type ApiPool } from '../../src/process/store/api-pool';
import { startHarness, type Harness } from '../support/harness';
import { insertContact } from '../support/builders';
import { useDatabase } from '../support/database';
import { fuzzCalls, requestBody, type FuzzCall } from './fuzz-calls';
import { expectNoSecretsInLogs } from './log-audit';

const ROLES: Array<Role | 'NONE'> = ['NONE', 'VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'];
const MAX_MS = 2000;

const db = useDatabase();
let h: Harness;
let realConnections: ConnectionService;
let pool: ApiPool;
let calls: FuzzCall[];
const keys = new Map<Role, string>();

beforeAll(async () => {
  realConnections = new ConnectionService(db.dataSource, new CredentialsCipher(generateMasterKey()));
  // As deployed: the API's own pool with the default statement timeout, and the audit wired in.
  pool = await openApiPool(db, { statementTimeoutMs: loadConfig({}).database.statementTimeoutMs.api });
  h = await startHarness(db, {
    dataSource: pool.dataSource,
    connections: realConnections,
    audit: new AuditService(db.dataSource, realConnections),
    // Keyless calls are part of the fuzz: keep the bad-key throttle out of their way.
    security: { authThrottle: { maxFailures: 1_000_000, windowMs: 60_000 } },
  });
  for (const role of ['VIEWER', 'PARTNER', 'OPERATOR', 'ADMIN'] as Role[]) keys.set(role, await h.keyFor(role));
  // A connection no CRM answers (port 9 refuses at once): testConnection and the audit fail fast.
  const conn = await realConnections.create({
    name: 'fuzz-conn',
    kind: 'SALESFORCE',
    baseUrl: 'http://127.0.0.1:9',
    credentials: { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' },
  });
  const ds = db.dataSource;
  const [contactA, contactB] = [await insertContact(ds), await insertContact(ds)];
  const one = async (sql: string, params: unknown[] = []) => ((await ds.query(sql, params)) as Array<{ id: string }>)[0]!.id;
  const runId = await one(`INSERT INTO sync_runs (connection_id, mode, status, finished_at) VALUES ($1, 'INCREMENTAL', 'SUCCEEDED', now()) RETURNING id`, [conn.id]);
  const quarantineId = await one(
    `INSERT INTO quarantine (connection_id, record_kind, remote_type, remote_id, payload, issues) VALUES ($1, 'CONTACT', 'Contact', '003FUZZ', '{"LastName":"Fuzz"}', '[{"field":"email","rule":"REQUIRED","message":"missing"}]') RETURNING id`,
    [conn.id],
  );
  const ruleId = await one(`INSERT INTO validation_rules (record_kind, field, rule, params) VALUES ('CONTACT', 'title', 'REQUIRED', '{}') RETURNING id`);
  const spareKeyId = (await new ApiKeyService(ds).create('fuzz spare', 'VIEWER')).apiKey.id;
  calls = fuzzCalls(await buildJunctionSchema(h.bundle.pubSub), {
    byType: { Contact: contactA, Connection: conn.id, ConnectionTestResult: conn.id, SyncRun: runId, QuarantineEntry: quarantineId, ValidationRule: ruleId, ApiKey: spareKeyId },
    byArgument: { connectionId: conn.id, ownerConnectionId: conn.id, contactId: contactA, masterId: contactA, duplicateIds: contactB },
  });
});

afterAll(async () => {
  if (h) expectNoSecretsInLogs(h.logLines, keys.values());
  await h?.close();
  await pool?.close();
  await realConnections?.close();
});

interface Outcome {
  status: number;
  ms: number;
  codes: unknown[];
  /** The logged cause of a masked error, found by its correlation id: the report says what broke. */
  cause?: string;
}

async function send(call: FuzzCall, role: Role | 'NONE'): Promise<Outcome> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (role !== 'NONE') headers.authorization = `Bearer ${keys.get(role)}`;
  const started = performance.now();
  const res = await fetch(`${h.url}/graphql`, { method: 'POST', headers, body: requestBody(call) });
  const text = await res.text();
  const ms = performance.now() - started;
  let errors: Array<{ extensions?: { code?: unknown; correlationId?: unknown } }> = [];
  try {
    errors = (JSON.parse(text) as { errors?: typeof errors }).errors ?? [];
  } catch {
    return { status: res.status, ms, codes: ['(not JSON)'], cause: text.slice(0, 200) };
  }
  const correlationId = errors.find((e) => e.extensions?.correlationId)?.extensions?.correlationId;
  const logged = typeof correlationId === 'string' ? h.logLines.find((l) => l.includes(correlationId)) : undefined;
  const cause = logged ? String((JSON.parse(logged) as { err?: { message?: unknown } }).err?.message ?? '').slice(0, 160) : undefined;
  return { status: res.status, ms, codes: errors.map((e) => e.extensions?.code), cause };
}

describe('schema-wide fuzz over HTTP', () => {
  it('generates calls for every root field, arguments and input fields included', () => {
    const fields = new Set(calls.map((c) => c.field));
    expect(fields).toContain('Query.contacts');
    expect(fields).toContain('Mutation.upsertContacts');
    // Input objects are walked: the contact filter's search term and a partner write's fields.
    expect(calls.some((c) => c.target === 'filter.search')).toBe(true);
    expect(calls.some((c) => c.target === 'input[].email')).toBe(true);
  });

  it.each(ROLES)('as %s: no 500, no answer over 2 s, and the server keeps serving', async (role) => {
    const failures: string[] = [];
    const slowest: Array<[number, string]> = [];
    for (const call of calls) {
      const o = await send(call, role);
      const where = `${call.field} ${call.target} = ${call.label}`;
      if (o.status >= 500 || o.codes.includes('INTERNAL_SERVER_ERROR') || o.codes.includes('(not JSON)')) failures.push(`${where}: HTTP ${o.status} ${JSON.stringify(o.codes)}${o.cause ? ` (${o.cause})` : ''}`);
      if (o.ms >= MAX_MS) failures.push(`${where}: ${Math.round(o.ms)} ms`);
      slowest.push([o.ms, where]);
    }
    slowest.sort((a, b) => b[0] - a[0]);
    console.log(`fuzz as ${role}: ${calls.length} calls; slowest ${slowest.slice(0, 3).map(([ms, w]) => `${Math.round(ms)} ms ${w}`).join('; ')}`);
    expect(failures).toEqual([]);
    const ready = performance.now();
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
    expect(performance.now() - ready).toBeLessThan(MAX_MS);
    const res = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.get('VIEWER')}` },
      body: JSON.stringify({ query: '{ viewer { role } }' }),
    });
    expect(await res.json()).toEqual({ data: { viewer: { role: 'VIEWER' } } });
  }, 900_000);
});
