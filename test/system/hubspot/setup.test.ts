/**
 * A fresh HubSpot portal (crm-wire.md §6.2 item 10): no junction_id / junction_deleted until the
 * Properties API creates them; the setup check lists them, provisioning creates them, and the
 * HubSpot SDK sees junction_id with hasUniqueValue.
 */
import type { Client } from '@hubspot/api-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system';
import type { SystemAdapter } from '../../../src/system/system-api';
import { crmAdapter, resetEmulator, SANDBOX, startCrmEmulator } from '../../support/emulators';
import { hubspotSdk } from '../../support/vendor-sdks';

let emu: RunningEmulator;
let sdk: Client;
let adapter: SystemAdapter;

beforeAll(async () => {
  emu = await startCrmEmulator('HUBSPOT', 0, true);
  sdk = await hubspotSdk(emu.url);
});
beforeEach(async () => {
  await resetEmulator(emu, true);
  adapter = crmAdapter('HUBSPOT', emu, { ...SANDBOX }).adapter;
});
afterAll(async () => {
  await adapter?.close();
  await emu?.close();
});

const names = async (object: string) => (await sdk.crm.properties.coreApi.getAll(object)).results.map((p) => p.name);

describe('a fresh HubSpot portal', () => {
  it('has no junction properties, and a write naming one is refused with PROPERTY_DOESNT_EXIST (not created by the write)', async () => {
    expect(await names('contacts')).not.toContain('junction_id');
    const err = await sdk.crm.contacts.basicApi.create({ properties: { email: 'fresh@example.com', junction_id: 'j-1' }, associations: [] }).then(
      () => undefined,
      (e: { code: number; body: { category: string; errors?: Array<{ code?: string }> } }) => e,
    );
    expect(err?.code).toBe(400);
    expect(err?.body.category).toBe('VALIDATION_ERROR');
    expect(JSON.stringify(err?.body)).toContain('PROPERTY_DOESNT_EXIST');
    expect(await names('contacts')).not.toContain('junction_id');
  });

  it('the setup check lists each missing property as fixable', async () => {
    const report = await adapter.checkSetup!();
    expect(report.ready).toBe(false);
    const failing = report.checks.filter((c) => !c.ok);
    expect(failing.map((c) => c.name).sort()).toEqual(['companies.junction_deleted', 'companies.junction_id', 'contacts.junction_deleted', 'contacts.junction_id']);
    expect(failing.every((c) => c.fixable)).toBe(true);
  });

  it('provisioning creates them through the Properties API; the SDK sees junction_id unique and an upsert by it works', async () => {
    const report = await adapter.provision!();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    for (const object of ['contacts', 'companies']) {
      const id = await sdk.crm.properties.coreApi.getByName(object, 'junction_id');
      expect(id).toMatchObject({ type: 'string', hasUniqueValue: true });
      expect(await sdk.crm.properties.coreApi.getByName(object, 'junction_deleted')).toMatchObject({ type: 'bool', fieldType: 'booleancheckbox' });
    }
    const upsert = await sdk.crm.contacts.batchApi.upsert({ inputs: [{ id: 'j-7', idProperty: 'junction_id', properties: { email: 'prov@example.com' } }] });
    expect(upsert.results).toHaveLength(1);
    // Run again: everything exists, nothing is created twice.
    expect((await adapter.provision!()).ready).toBe(true);
  });

  it('the Properties API refuses a definition without its required fields, and a second create of a name with 409', async () => {
    const missing = await sdk.crm.properties.coreApi.create('contacts', { name: 'badge', label: 'Badge' } as never).then(
      () => undefined,
      (e: { code: number }) => e,
    );
    expect(missing?.code).toBe(400);
    const made = await sdk.crm.properties.coreApi.create('contacts', { name: 'badge', label: 'Badge', type: 'string', fieldType: 'text', groupName: 'contactinformation', hasUniqueValue: true } as never);
    expect(made).toMatchObject({ name: 'badge', hasUniqueValue: true });
    const again = await sdk.crm.properties.coreApi.create('contacts', { name: 'badge', label: 'Badge', type: 'string', fieldType: 'text', groupName: 'contactinformation' } as never).then(
      () => undefined,
      (e: { code: number }) => e,
    );
    expect(again?.code).toBe(409);
  });
});
