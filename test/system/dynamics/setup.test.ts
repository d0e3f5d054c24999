/**
 * A fresh Dataverse org (crm-wire.md §6.3 item 17): no junction_id / junction_deleted columns
 * and no alternate key until the metadata API creates them; the key's index builds
 * asynchronously (Pending → InProgress → Active, moving on as it is polled). The setup check
 * lists what is missing, provisioning creates it and waits for the index, and dynamics-web-api
 * sees the columns and the Active key.
 */
import type { DynamicsWebApi } from 'dynamics-web-api';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system';
import type { SystemAdapter } from '../../../src/system/system-api';
import { crmAdapter, resetEmulator, startCrmEmulator } from '../../support/emulators';
import { SANDBOX } from '../../support/crms/dynamics';
import { dataverseSdk } from '../../support/vendor-sdks';

let emu: RunningEmulator;
let sdk: DynamicsWebApi;
let adapter: SystemAdapter;

beforeAll(async () => {
  emu = await startCrmEmulator('DYNAMICS', 0, true);
  sdk = dataverseSdk(emu);
});
beforeEach(async () => {
  await resetEmulator(emu, true);
  adapter = crmAdapter('DYNAMICS', emu, { ...SANDBOX }).adapter;
});
afterAll(async () => {
  await adapter?.close();
  await emu?.close();
});

const keysOf = async (table: string) =>
  (
    await sdk.retrieve<{ value: Array<{ SchemaName: string; KeyAttributes: string[]; EntityKeyIndexStatus: string }> }>({
      collection: 'EntityDefinitions',
      key: `LogicalName='${table}'`,
      navigationProperty: 'Keys',
      select: ['SchemaName', 'KeyAttributes', 'EntityKeyIndexStatus'],
    })
  ).value;
const columnsOf = async (table: string) =>
  (await sdk.retrieveAttributes<{ LogicalName: string; '@odata.type': string }>({ entityKey: `LogicalName='${table}'` })).value;

describe('a fresh Dataverse org', () => {
  it('has no junction columns: a write naming one is refused, and rows cannot be addressed by junction_id', async () => {
    expect((await columnsOf('contact')).map((c) => c.LogicalName)).not.toContain('junction_id');
    const write = await sdk.create({ collection: 'contacts', data: { lastname: 'Fresh', junction_id: 'j-1' } }).then(
      () => undefined,
      (e: { status: number; message: string }) => e,
    );
    expect(write?.status).toBe(400);
    expect(write?.message).toMatch(/Invalid property 'junction_id'/);
    const byKey = await sdk.update({ collection: 'contacts', key: "junction_id='j-1'", data: { lastname: 'Fresh' } }).then(
      () => undefined,
      (e: { status: number; message: string }) => e,
    );
    expect(byKey?.status).toBe(400);
    expect(byKey?.message).toMatch(/not a valid alternate key/);
  });

  it('an alternate key created through the metadata API is Pending first and becomes Active as it is polled (dynamics-web-api)', async () => {
    await sdk.createAttribute({
      entityKey: "LogicalName='account'",
      data: { '@odata.type': 'Microsoft.Dynamics.CRM.StringAttributeMetadata', SchemaName: 'new_Badge', MaxLength: 40 },
    });
    await sdk.create({
      collection: 'EntityDefinitions',
      key: "LogicalName='account'",
      navigationProperty: 'Keys',
      data: { '@odata.type': 'Microsoft.Dynamics.CRM.EntityKeyMetadata', SchemaName: 'new_account_badge_key', KeyAttributes: ['new_badge'] },
    });
    const seen: string[] = [];
    for (let poll = 0; poll < 5 && seen.at(-1) !== 'Active'; poll++) seen.push((await keysOf('account')).find((k) => k.SchemaName === 'new_account_badge_key')!.EntityKeyIndexStatus);
    expect(seen).toEqual(['Pending', 'InProgress', 'Active']);
  });

  it('the setup check lists the missing columns and keys as fixable', async () => {
    const report = await adapter.checkSetup!();
    expect(report.ready).toBe(false);
    const failing = report.checks.filter((c) => !c.ok);
    expect(failing.map((c) => c.name).sort()).toEqual([
      'account alternate key on junction_id',
      'account.junction_deleted',
      'account.junction_id',
      'contact alternate key on junction_id',
      'contact.junction_deleted',
      'contact.junction_id',
    ]);
    expect(failing.every((c) => c.fixable)).toBe(true);
  });

  it('provisioning creates the columns and the key, waits for the index; the SDK sees them and upserts by the key', async () => {
    const report = await adapter.provision!();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    for (const table of ['contact', 'account']) {
      const columns = await columnsOf(table);
      expect(columns.find((c) => c.LogicalName === 'junction_id')?.['@odata.type']).toMatch(/StringAttributeMetadata$/);
      expect(columns.find((c) => c.LogicalName === 'junction_deleted')?.['@odata.type']).toMatch(/BooleanAttributeMetadata$/);
      expect(await keysOf(table)).toEqual([expect.objectContaining({ KeyAttributes: ['junction_id'], EntityKeyIndexStatus: 'Active' })]);
    }
    await sdk.upsert({ collection: 'contacts', key: "junction_id='j-9'", data: { lastname: 'Provisioned' } });
    const found = await sdk.retrieveMultiple<{ lastname: string }>({ collection: 'contacts', filter: "junction_id eq 'j-9'", select: ['lastname'] });
    expect(found.value.map((r) => r.lastname)).toEqual(['Provisioned']);
    expect((await adapter.provision!()).ready).toBe(true);
  });
});
