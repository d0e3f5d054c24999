/**
 * The system registry is the one list of CRMs: configuration reads a host list for every
 * registered CRM, and start-up refuses a stored connection whose kind the registry does not
 * register (the database no longer checks kinds) or a registered CRM without a mapping profile.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startJunction } from '../../src/app';
import { loadConfig } from '../../src/config';
import { checkCrmRegistry, CrmRegistryError } from '../../src/process/connections/crm-registry-check';
import { mappingProfileProblems } from '../../src/process/mapping/registry';
import type { Database } from '../../src/process/store/database';
import { crmModule, registerCrm, registeredCrms, type CrmKind } from '../../src/system';
import { openTestDatabase, resetDatabase } from '../support/database';
import { insertConnection } from '../support/builders';

describe('configuration from the registry', () => {
  it('reads JUNCTION_CRM_HOSTS_<KIND> for every registered CRM and names a bad one', () => {
    const env = Object.fromEntries(registeredCrms().map((kind) => [`JUNCTION_CRM_HOSTS_${kind}`, `api.${kind.toLowerCase()}.example.com`]));
    const hosts = loadConfig(env).security.crmHosts.hosts!;
    for (const kind of registeredCrms()) expect(hosts[kind]).toEqual([`api.${kind.toLowerCase()}.example.com`]);
    expect(() => loadConfig({ [`JUNCTION_CRM_HOSTS_${registeredCrms()[0]}`]: 'not a host!' })).toThrow(new RegExp(`JUNCTION_CRM_HOSTS_${registeredCrms()[0]} must be a comma-separated list`));
  });

  it("keeps every registered CRM's folder out of the other tiers' reach (the lint rule's vendor folders)", async () => {
    const file = '../../eslint.config.mjs'; // a variable: the config has no type declarations
    const config = ((await import(file)) as { default: Array<{ files?: string[]; rules?: Record<string, unknown> }> }).default;
    const experience = JSON.stringify(config.find((c) => c.files?.includes('src/experience/**/*.ts'))!.rules);
    for (const kind of registeredCrms()) expect(experience).toContain(`**/system/${kind.toLowerCase()}/**`);
  });

  it('lists every registered CRM as an emulator, and refuses another name', () => {
    expect(loadConfig({}).emulators.crms).toEqual(registeredCrms().map((k) => k.toLowerCase()));
    expect(() => loadConfig({ JUNCTION_EMULATORS: 'salesforce,oracle' })).toThrow(`a list of ${registeredCrms().map((k) => k.toLowerCase()).join(', ')}`);
  });
});

describe('start-up against the registry', () => {
  let db: Database;
  let dataDir: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    await resetDatabase(db);
    dataDir = mkdtempSync(join(tmpdir(), 'junction-registry-'));
  });
  afterAll(async () => {
    // Later files start Junction on this database: no connection of an unregistered kind stays.
    db = await openTestDatabase();
    await resetDatabase(db);
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes on the built-in CRMs and their stored connections', async () => {
    for (const kind of registeredCrms()) await insertConnection(db.dataSource, { kind });
    await expect(checkCrmRegistry(db.dataSource)).resolves.toBeUndefined();
  });

  it('stores a kind no list in the schema names, and then refuses to start, naming the connection', async () => {
    // The CHECK (kind IN …) is gone: the insert itself succeeds.
    await insertConnection(db.dataSource, { kind: 'ORACLE', name: 'old oracle' });
    const err = await checkCrmRegistry(db.dataSource).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmRegistryError);
    expect((err as CrmRegistryError).unregisteredKinds).toEqual(['ORACLE']);
    expect((err as CrmRegistryError).message).toMatch(/^Junction cannot start: stored connection\(s\) "old oracle" are of ORACLE, which is no registered CRM/);

    // The whole start-up stops there, before serving or syncing anything.
    await db.close();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: inject('databaseUrl'), HOST: '127.0.0.1', JUNCTION_EMULATORS: 'none', JUNCTION_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    config.http.port = 0;
    await expect(startJunction(config, { singleSessionDatabase: inject('embeddedDatabase') })).rejects.toThrow(CrmRegistryError);
    db = await openTestDatabase();
  });

  it('refuses a registered CRM without a mapping profile', async () => {
    await resetDatabase(db);
    expect(mappingProfileProblems()).toEqual([]);
    const base = crmModule(registeredCrms()[0]!);
    registerCrm({ ...base, descriptor: { ...base.descriptor, kind: 'UNMAPPED' as CrmKind } });
    expect(() => registerCrm({ ...base, descriptor: { ...base.descriptor, kind: 'UNMAPPED' as CrmKind } })).toThrow(/UNMAPPED is registered already/);
    const err = await checkCrmRegistry(db.dataSource).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CrmRegistryError);
    expect((err as CrmRegistryError).problems).toEqual(['the registered CRM UNMAPPED has no mapping profile (src/process/mapping/registry.ts)']);
    await db.close();
  });
});
