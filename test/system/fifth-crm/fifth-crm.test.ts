/**
 * One registry: a fifth CRM, defined entirely in this folder (a system module with an
 * in-memory emulator over real HTTP, and a mapping profile), is registered through the
 * registries alone, and Junction then starts with it as with any built-in CRM — its emulator
 * and connection from JUNCTION_EMULATORS, its host list from JUNCTION_CRM_HOSTS_FIFTH, its kind
 * in the GraphQL enum — syncs its people into the store and out to Salesforce (and
 * Salesforce's into it), and serves them through GraphQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJunction, type RunningJunction } from '../../../src/app';
import { inProcessConfig } from '../../support/in-process-config';
import { openTestDatabase, resetDatabase } from '../../support/database';
import { FAST_RETRY } from '../../support/sync-harness';
import { FIFTH, registerFifthCrm } from '.';

registerFifthCrm();

const ADMIN_KEY = 'jk_fifth_crm_test_admin_key_0123456789';
let junction: RunningJunction;
let dataDir: string;

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${junction.url!.replace('localhost', '127.0.0.1')}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

/** The emails an emulator holds in these objects (its admin API). */
async function emails(kind: string, objects: string[], field: (r: Record<string, unknown>) => unknown): Promise<Set<string>> {
  const url = junction.emulators.find((e) => e.kind === kind)!.url;
  const lists = await Promise.all(objects.map(async (o) => (await (await fetch(`${url}/_emulator/records/${o}`)).json()) as Array<Record<string, unknown>>));
  return new Set(lists.flat().map((r) => String(field(r) ?? '').toLowerCase()).filter(Boolean));
}
const fifthEmails = () => emails(FIFTH, ['people'], (r) => (r.properties as Record<string, unknown>).email);
const salesforceEmails = () => emails('SALESFORCE', ['Contact', 'Lead'], (r) => r.Email);

beforeAll(async () => {
  const db = await openTestDatabase();
  await resetDatabase(db);
  await db.close();
  dataDir = mkdtempSync(join(tmpdir(), 'junction-fifth-'));
  const config = inProcessConfig({
    JUNCTION_EMULATORS: 'salesforce,fifth',
    JUNCTION_CRM_HOSTS_FIFTH: 'api.fifth.example',
    JUNCTION_SEED: '12',
    JUNCTION_ADMIN_KEY: ADMIN_KEY,
    JUNCTION_DATA_DIR: dataDir,
  });
  expect(config.security.crmHosts.hosts?.[FIFTH]).toEqual(['api.fifth.example']);
  junction = await startJunction(config, { randomEmulatorPorts: true, adapterDefaults: { retry: FAST_RETRY, timeoutMs: 5000 }, singleSessionDatabase: inject('embeddedDatabase') });
}, 120_000);

afterAll(async () => {
  await junction?.close();
  // Later files start Junction on this database without the fifth CRM: its connection must not stay.
  const db = await openTestDatabase();
  await resetDatabase(db);
  await db.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a fifth CRM registered through the registry alone', () => {
  it('is a CrmKind of the API, with its emulator and its connection', async () => {
    const data = await graphql<{ __type: { enumValues: Array<{ name: string }> }; connections: Array<{ kind: string; status: string }> }>(
      '{ __type(name: "CrmKind") { enumValues { name } } connections { kind status } }',
    );
    expect(data.__type.enumValues.map((v) => v.name)).toEqual(['SALESFORCE', 'HUBSPOT', 'DYNAMICS', FIFTH]);
    expect(data.connections.map((c) => c.kind).sort()).toEqual([FIFTH, 'SALESFORCE']);
    expect(junction.emulators.map((e) => e.kind)).toEqual(['SALESFORCE', FIFTH]);
  });

  it('syncs its people into the store and out to Salesforce, and Salesforce people into it; GraphQL shows both sources', { timeout: 90_000 }, async () => {
    const sfAtStart = await salesforceEmails();
    const fifthAtStart = await fifthEmails();
    const fifthOnly = [...fifthAtStart].filter((e) => !sfAtStart.has(e));
    const sfOnly = [...sfAtStart].filter((e) => !fifthAtStart.has(e));
    expect(fifthOnly.length).toBeGreaterThan(0);
    expect(sfOnly.length).toBeGreaterThan(0);

    // The worker syncs both connections every second: each CRM ends up holding the other's people.
    const missing = async (wanted: string[], held: () => Promise<Set<string>>) => {
      const now = await held();
      return wanted.filter((e) => !now.has(e));
    };
    await expect.poll(() => missing(fifthOnly, salesforceEmails), { timeout: 60_000, interval: 500 }).toEqual([]);
    await expect.poll(() => missing(sfOnly, fifthEmails), { timeout: 60_000, interval: 500 }).toEqual([]);

    const { contacts } = await graphql<{ contacts: { totalCount: number; edges: Array<{ node: { email: string; company: { name: string } | null; sources: Array<{ remoteType: string; connection: { kind: string } }> } }> } }>(
      'query ($email: String) { contacts(first: 5, filter: { email: $email }) { totalCount edges { node { email company { name } sources { remoteType connection { kind } } } } } }',
      { email: fifthOnly[0] },
    );
    expect(contacts.totalCount).toBe(1);
    const person = contacts.edges[0]!.node;
    expect(person.sources.map((s) => s.connection.kind).sort()).toEqual([FIFTH, 'SALESFORCE']);
    expect(person.sources.find((s) => s.connection.kind === FIFTH)!.remoteType).toBe('people');
    expect(person.company?.name).toBeTruthy();
    const all = await graphql<{ contacts: { totalCount: number } }>('{ contacts(first: 1) { totalCount } }');
    expect(all.contacts.totalCount).toBe(new Set([...sfAtStart, ...fifthAtStart]).size);
  });
});
