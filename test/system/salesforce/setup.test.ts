/**
 * A fresh Salesforce org (crm-wire.md §6.1 item 4): none of Junction's fields until the Tooling
 * API creates them and a permission set grants them; the setup check says what is missing,
 * provisioning creates it, and jsforce sees the result.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../src/system';
import type { SystemAdapter } from '../../../src/system/system-api';
import { resetEmulator, startCrmEmulator } from '../../support/emulators';
import { adapterFor, connect } from '../../support/crms/salesforce';

let emu: RunningEmulator;
let adapter: SystemAdapter;

beforeAll(async () => {
  emu = await startCrmEmulator('SALESFORCE', 0, true);
});
beforeEach(async () => {
  await resetEmulator(emu, true);
  adapter = adapterFor(emu.url);
});
afterAll(async () => {
  await adapter?.close();
  await emu?.close();
});

const errorOf = async (p: PromiseLike<unknown>) => Promise.resolve(p).then(() => undefined, (e: { errorCode?: string; message: string }) => e);

describe('a fresh Salesforce org', () => {
  it('has none of Junction’s fields: describe omits them, SOQL and writes naming them are refused with INVALID_FIELD', async () => {
    const conn = connect(emu.url);
    const fields = (await conn.sobject('Contact').describe()).fields.map((f) => f.name);
    expect(fields).not.toContain('Junction_Id__c');
    const query = await errorOf(conn.query('SELECT Id, Junction_Id__c FROM Contact'));
    expect(query).toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect(query!.message).toMatch(/No such column 'Junction_Id__c' on entity 'Contact'/);
    // A write does not bring the field into being either, as an unknown custom field would in this emulator.
    const write = await errorOf(conn.sobject('Contact').create({ LastName: 'Fresh', Junction_Id__c: 'abc' }));
    expect(write).toMatchObject({ errorCode: 'INVALID_FIELD' });
    expect((await conn.sobject('Contact').describe()).fields.map((f) => f.name)).not.toContain('Junction_Id__c');
  });

  it('lists every missing field and its field-level security as fixable', async () => {
    const report = await adapter.checkSetup!();
    expect(report.ready).toBe(false);
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    expect(byName.get('API access')?.ok).toBe(true);
    expect(byName.get('Contact: read and write')?.ok).toBe(true);
    for (const object of ['Lead', 'Contact', 'Account'])
      for (const field of ['Junction_Id__c', 'Junction_Deleted__c']) {
        expect(byName.get(`${object}.${field}`)).toMatchObject({ ok: false, fixable: true });
        expect(byName.get(`${object}.${field} field-level security`)).toMatchObject({ ok: false, fixable: true });
      }
    expect(byName.get('Contact.Junction_Id__c')!.message).toMatch(/Tooling API/);
  });

  it('a field created through the Tooling API stays invisible until a permission set assigned to the user grants it (jsforce)', async () => {
    const conn = connect(emu.url);
    const created = await conn.tooling.sobject('CustomField').create({
      FullName: 'Contact.Badge__c',
      Metadata: { label: 'Badge', type: 'Text', length: 40, externalId: true, unique: true },
    } as never);
    expect(created).toMatchObject({ success: true });
    const again = await errorOf(conn.tooling.sobject('CustomField').create({ FullName: 'Contact.Badge__c', Metadata: { label: 'Badge', type: 'Text', length: 40 } } as never));
    expect(again).toMatchObject({ errorCode: 'DUPLICATE_DEVELOPER_NAME' });
    const listed = await conn.tooling.query<{ DeveloperName: string }>("SELECT Id, DeveloperName FROM CustomField WHERE TableEnumOrId = 'Contact'");
    expect(listed.records.map((r) => r.DeveloperName)).toContain('Badge');
    expect((await conn.sobject('Contact').describe()).fields.map((f) => f.name)).not.toContain('Badge__c');

    const set = (await conn.sobject('PermissionSet').create({ Name: 'Badges', Label: 'Badges' })) as { id: string };
    await conn.sobject('FieldPermissions').create({ ParentId: set.id, SobjectType: 'Contact', Field: 'Contact.Badge__c', PermissionsRead: true, PermissionsEdit: true });
    // Granted to a set nobody holds: still unseen.
    expect((await conn.sobject('Contact').describe()).fields.map((f) => f.name)).not.toContain('Badge__c');
    const me = (await conn.request<{ user_id: string }>('/services/oauth2/userinfo'));
    await conn.sobject('PermissionSetAssignment').create({ AssigneeId: me.user_id, PermissionSetId: set.id });
    const badge = (await conn.sobject('Contact').describe()).fields.find((f) => f.name === 'Badge__c');
    expect(badge).toMatchObject({ externalId: true, unique: true, custom: true });
  });

  it('provisioning creates every field through the Tooling API and grants it; jsforce sees External ID and Unique, and a write by it works', async () => {
    const report = await adapter.provision!();
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ready).toBe(true);
    const conn = connect(emu.url);
    for (const object of ['Lead', 'Contact', 'Account']) {
      const fields = (await conn.sobject(object).describe()).fields;
      expect(fields.find((f) => f.name === 'Junction_Id__c')).toMatchObject({ externalId: true, unique: true, type: 'string' });
      expect(fields.find((f) => f.name === 'Junction_Deleted__c')).toMatchObject({ type: 'boolean' });
    }
    const sets = await conn.query<{ Id: string }>("SELECT Id FROM PermissionSet WHERE Name = 'Junction_Integration'");
    expect(sets.records).toHaveLength(1);
    const upserted = await conn.sobject('Contact').upsert({ LastName: 'Provisioned', Junction_Id__c: 'j-1' }, 'Junction_Id__c');
    expect(upserted).toMatchObject({ success: true });
    // A second provisioning finds everything in place and changes nothing.
    expect((await adapter.provision!()).ready).toBe(true);
    expect((await conn.query("SELECT Id FROM PermissionSet WHERE Name = 'Junction_Integration'")).records).toHaveLength(1);
  });
});
