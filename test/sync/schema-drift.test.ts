/**
 * Schema drift (issue #4 item 9): a mapped field missing from the CRM's describe marks the
 * connection DEGRADED with a SCHEMA-class error (code SCHEMA_DRIFT) naming the field, the run
 * skips that field — no nulls reach the store — and the connection is HEALTHY again once the
 * field is back. Also: every adapter's describeFields against its emulator's real path, and
 * that the run's own reads are the check — a healthy run asks for no field list.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SCHEMA_DRIFT_CODE } from '../../src/process/health/health-snapshot';
import type { CrmKind } from '../../src/system';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { contactLinkedTo, emulatorRecords, hubspotUpdate, salesforceUpdate } from './support';

let h: SyncHarness;

beforeAll(async () => {
  h = await startSyncHarness({ seed: 12 });
});

afterAll(async () => {
  await h?.close();
});

const adapterOf = async (kind: CrmKind) => h.connections.adapterFor((await h.connections.get(h.connectionIds.get(kind)!))!);
const connectionRow = async (kind: CrmKind) =>
  (
    (await h.db.dataSource.query(`SELECT status, status_reason, schema_drift FROM connections WHERE id = $1`, [h.connectionIds.get(kind)])) as Array<{
      status: string;
      status_reason: string | null;
      schema_drift: Record<string, string[]>;
    }>
  )[0]!;
const driftErrors = async (kind: CrmKind) =>
  (await h.db.dataSource.query(`SELECT error_class, code, message, occurrences FROM sync_errors WHERE connection_id = $1 AND code = $2`, [
    h.connectionIds.get(kind),
    SCHEMA_DRIFT_CODE,
  ])) as Array<{
    error_class: string;
    code: string;
    message: string;
    occurrences: number;
  }>;

async function fieldChange(kind: CrmKind, body: Record<string, string>): Promise<unknown> {
  const res = await fetch(`${h.emulators.get(kind)!.url}/_emulator/fields`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

describe('describeFields on the vendors’ metadata paths', () => {
  it('lists each object’s fields, and a dropped field disappears from it', async () => {
    expect(await (await adapterOf('SALESFORCE')).describeFields('Contact')).toEqual(expect.arrayContaining(['Email', 'Title', 'AccountId', 'Junction_Id__c']));
    expect(await (await adapterOf('HUBSPOT')).describeFields('contacts')).toEqual(
      expect.arrayContaining(['email', 'jobtitle', 'lifecyclestage', 'junction_id']),
    );
    const dataverse = await adapterOf('DYNAMICS');
    expect(await dataverse.describeFields('contacts')).toEqual(
      expect.arrayContaining(['emailaddress1', 'jobtitle', 'parentcustomerid', '_parentcustomerid_value']),
    );
    expect(h.emulators.get('DYNAMICS')!.fields!.drop('contacts', 'jobtitle')).toBe(true);
    expect(await dataverse.describeFields('contacts')).not.toContain('jobtitle');
    expect(h.emulators.get('DYNAMICS')!.fields!.restore('contacts', 'jobtitle')).toBe(true);
    expect(await dataverse.describeFields('contacts')).toContain('jobtitle');
    const hubspot = await adapterOf('HUBSPOT');
    // Over the emulator's admin API too (for emulators started by `npm run emulators`).
    expect(await fieldChange('HUBSPOT', { action: 'drop', object: 'contacts', field: 'jobtitle' })).toEqual({ changed: true });
    expect(await hubspot.describeFields('contacts')).not.toContain('jobtitle');
    // As on HubSpot, a deleted property asked for is left out of records (not a null), and writing it is refused.
    for await (const page of hubspot.bulkExport('contacts', { fields: ['email', 'jobtitle'] })) {
      expect(page.records.length).toBeGreaterThan(0);
      for (const record of page.records) expect('jobtitle' in record.fields).toBe(false);
    }
    const someone = (await emulatorRecords(h, 'HUBSPOT', 'contacts'))[0]!;
    const [refused] = await hubspot.upsert('contacts', [
      { remoteId: String(someone.id), junctionId: '00000000-0000-4000-8000-000000000001', fields: { jobtitle: 'CTO' } },
    ]);
    expect(refused).toMatchObject({ ok: false, error: { errorClass: 'VALIDATION' } });
    expect(await fieldChange('HUBSPOT', { action: 'restore', object: 'contacts', field: 'jobtitle' })).toEqual({ changed: true });
    expect(await hubspot.describeFields('contacts')).toContain('jobtitle');
    expect(await fieldChange('HUBSPOT', { action: 'rename', object: 'contacts', field: 'jobtitle' })).toMatchObject({ error: 'bad_field_change' });
  });
});

describe('a mapped Salesforce field dropped from the org', () => {
  let sfId: string;
  let titleBefore: string | null;

  it('syncs normally while the schema matches', async () => {
    const run = await h.sync('SALESFORCE');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect((await connectionRow('SALESFORCE')).status).toBe('HEALTHY');
    const contact = (await emulatorRecords(h, 'SALESFORCE', 'Contact')).find((r) => typeof r.Title === 'string' && r.Title !== '')!;
    sfId = String(contact.Id);
    titleBefore = String((await contactLinkedTo(h, 'SALESFORCE', sfId)).title);
    expect(titleBefore).toBe(contact.Title);
  });

  it('marks the connection DEGRADED with a SCHEMA_DRIFT error naming the field, and writes no nulls', async () => {
    expect(h.emulators.get('SALESFORCE')!.fields!.drop('Contact', 'Title')).toBe(true);
    // Someone edits the contact meanwhile: the change still arrives, without the missing field.
    await salesforceUpdate(h, 'Contact', sfId, { FirstName: 'Driftwood' });
    // Salesforce refuses the query naming Title; the describe that refusal prompts explains it,
    // and the same run reads Contact again without the field.
    const run = await h.sync('SALESFORCE');
    expect(run.status).toBe('PARTIAL');
    expect(run.error).toMatch(/^SCHEMA: Contact no longer has mapped field Title/);
    const connection = await connectionRow('SALESFORCE');
    expect(connection.status).toBe('DEGRADED');
    expect(connection.status_reason).toContain('Contact.Title');
    expect(connection.schema_drift).toEqual({ Contact: ['Title'] });
    const errors = await driftErrors('SALESFORCE');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ error_class: 'SCHEMA', code: SCHEMA_DRIFT_CODE });
    expect(errors[0]!.message).toContain('Title');
    const stored = await contactLinkedTo(h, 'SALESFORCE', sfId);
    expect(stored.first_name).toBe('Driftwood');
    expect(stored.title).toBe(titleBefore);
    // No other contact lost its title either.
    const [{ nulls }] = (await h.db.dataSource.query(
      `SELECT count(*)::int AS nulls FROM contacts c JOIN source_links l ON l.record_id = c.id AND l.connection_id = $1 AND l.remote_type = 'Contact' WHERE c.title IS NULL`,
      [h.connectionIds.get('SALESFORCE')],
    )) as Array<{ nulls: number }>;
    expect(nulls).toBe(0);
  });

  it('keeps reporting it every run while the field is missing', async () => {
    await h.sync('SALESFORCE');
    expect((await connectionRow('SALESFORCE')).status).toBe('DEGRADED');
    expect((await driftErrors('SALESFORCE'))[0]!.occurrences).toBe(2);
  });

  it('returns to HEALTHY when the field is back, and syncs it again', async () => {
    expect(h.emulators.get('SALESFORCE')!.fields!.restore('Contact', 'Title')).toBe(true);
    await salesforceUpdate(h, 'Contact', sfId, { Title: 'Chief Drift Officer' });
    const run = await h.sync('SALESFORCE');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    const connection = await connectionRow('SALESFORCE');
    expect(connection).toMatchObject({ status: 'HEALTHY', status_reason: null, schema_drift: {} });
    expect((await contactLinkedTo(h, 'SALESFORCE', sfId)).title).toBe('Chief Drift Officer');
  });

  it('stops pulling an object whose company link field is missing, keeping its cursor (checked every run)', async () => {
    await h.db.dataSource.query(`UPDATE connections SET settings = settings || '{"schemaCheckIntervalMs": 0}'::jsonb WHERE id = $1`, [
      h.connectionIds.get('SALESFORCE'),
    ]);
    const [{ cursor: before }] = (await h.db.dataSource.query(`SELECT cursor FROM sync_cursors WHERE connection_id = $1 AND remote_type = 'Contact'`, [
      h.connectionIds.get('SALESFORCE'),
    ])) as Array<{ cursor: string }>;
    expect(h.emulators.get('SALESFORCE')!.fields!.drop('Contact', 'AccountId')).toBe(true);
    await salesforceUpdate(h, 'Contact', sfId, { FirstName: 'Waiting' });
    const run = await h.sync('SALESFORCE');
    expect(run.status).toBe('PARTIAL');
    expect((await connectionRow('SALESFORCE')).status_reason).toContain('not syncing Contact');
    expect((await contactLinkedTo(h, 'SALESFORCE', sfId)).first_name).toBe('Driftwood');
    const [{ cursor: during }] = (await h.db.dataSource.query(`SELECT cursor FROM sync_cursors WHERE connection_id = $1 AND remote_type = 'Contact'`, [
      h.connectionIds.get('SALESFORCE'),
    ])) as Array<{ cursor: string }>;
    expect(during).toBe(before);
    expect(h.emulators.get('SALESFORCE')!.fields!.restore('Contact', 'AccountId')).toBe(true);
    expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
    expect((await contactLinkedTo(h, 'SALESFORCE', sfId)).first_name).toBe('Waiting');
  });
});

describe('the reads are the check', () => {
  it('a run whose reads prove every mapped field asks for no field list', async () => {
    await h.syncAll();
    const spies = (['SALESFORCE', 'HUBSPOT'] as const).map(async (kind) => vi.spyOn(await adapterOf(kind), 'describeFields'));
    const [sf, hs] = await Promise.all(spies);
    try {
      // A change in each, so HubSpot's page shows its properties too.
      const sfContact = (await emulatorRecords(h, 'SALESFORCE', 'Contact'))[0]!;
      await salesforceUpdate(h, 'Contact', String(sfContact.Id), { FirstName: 'Evidence' });
      const hsContact = (await emulatorRecords(h, 'HUBSPOT', 'contacts'))[0]!;
      await hubspotUpdate(h, 'contacts', String(hsContact.id), { firstname: 'Proof' });
      expect((await h.sync('SALESFORCE')).status).toBe('SUCCEEDED');
      expect((await h.sync('HUBSPOT')).status).toBe('SUCCEEDED');
      expect(sf!.mock.calls).toHaveLength(0);
      expect(hs!.mock.calls).toHaveLength(0);
    } finally {
      sf!.mockRestore();
      hs!.mockRestore();
    }
  });
});

describe('a mapped HubSpot property deleted', () => {
  let hsId: string;
  let titleBefore: string | null;

  it('is found by the page that lacks it: DEGRADED, SCHEMA_DRIFT, no nulls, in the same run', async () => {
    await h.syncAll();
    const someone = (await emulatorRecords(h, 'HUBSPOT', 'contacts')).find((r) => typeof (r.properties as Record<string, unknown>)?.jobtitle === 'string')!;
    hsId = String(someone.id);
    titleBefore = String((await contactLinkedTo(h, 'HUBSPOT', hsId)).title);
    const describe = vi.spyOn(await adapterOf('HUBSPOT'), 'describeFields');
    try {
      expect(h.emulators.get('HUBSPOT')!.fields!.drop('contacts', 'jobtitle')).toBe(true);
      await hubspotUpdate(h, 'contacts', hsId, { firstname: 'Absent' });
      const run = await h.sync('HUBSPOT');
      expect(run.status).toBe('PARTIAL');
      expect(run.error).toMatch(/^SCHEMA: contacts no longer has mapped field jobtitle/);
      expect(describe.mock.calls.map((c) => c[0])).toEqual(['contacts']);
      const connection = await connectionRow('HUBSPOT');
      expect(connection.status).toBe('DEGRADED');
      expect(connection.schema_drift).toEqual({ contacts: ['jobtitle'] });
      expect((await driftErrors('HUBSPOT'))[0]).toMatchObject({ error_class: 'SCHEMA', code: SCHEMA_DRIFT_CODE });
      const stored = await contactLinkedTo(h, 'HUBSPOT', hsId);
      expect(stored.first_name).toBe('Absent');
      expect(stored.title).toBe(titleBefore);
    } finally {
      describe.mockRestore();
    }
  });

  it('returns to HEALTHY when the property is back', async () => {
    expect(h.emulators.get('HUBSPOT')!.fields!.restore('contacts', 'jobtitle')).toBe(true);
    await hubspotUpdate(h, 'contacts', hsId, { jobtitle: 'Restorer' });
    const run = await h.sync('HUBSPOT');
    expect(run.status, run.error ?? '').toBe('SUCCEEDED');
    expect(await connectionRow('HUBSPOT')).toMatchObject({ status: 'HEALTHY', status_reason: null, schema_drift: {} });
    expect((await contactLinkedTo(h, 'HUBSPOT', hsId)).title).toBe('Restorer');
  });
});
