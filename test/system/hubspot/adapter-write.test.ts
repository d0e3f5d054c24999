/** upsert and archive against the emulator: idempotency, per-record failures, chunking. */
import { describe, expect, it } from 'vitest';
import type { OutboundRecord } from '../../../src/system/system-api';
import { admin, collect, stats, useCrmEmulator } from '../../support/emulators';
import { SANDBOX } from '../../support/crms/hubspot';

interface StoredContact {
  id: string;
  archived: boolean;
  properties: Record<string, string | null>;
}

const crm = useCrmEmulator('HUBSPOT', SANDBOX);

const contacts = () => admin<StoredContact[]>(crm.emu, 'GET', 'records/contacts');
const person = (n: number, extra: Record<string, string | null> = {}): OutboundRecord => ({
  junctionId: `J-${n}`,
  fields: { email: `p${n}@example.com`, firstname: `P${n}`, lastname: 'Person', ...extra },
});

describe('upsert', () => {
  it('creates unlinked records on junction_id, and a replay creates no duplicate', async () => {
    const batch = [person(1), person(2), person(3)];
    const first = await crm.adapter.upsert('contacts', batch);
    expect(first.map((r) => [r.junctionId, r.ok, r.created])).toEqual([
      ['J-1', true, true],
      ['J-2', true, true],
      ['J-3', true, true],
    ]);
    const replay = await crm.adapter.upsert('contacts', batch);
    expect(replay.map((r) => r.created)).toEqual([false, false, false]);
    expect(replay.map((r) => r.remoteId)).toEqual(first.map((r) => r.remoteId));
    const stored = await contacts();
    expect(stored).toHaveLength(3);
    expect(stored.map((c) => c.properties.junction_id).sort()).toEqual(['J-1', 'J-2', 'J-3']);
  });

  it('updates linked records by id and stamps junction_id on them', async () => {
    const [created] = await crm.adapter.upsert('contacts', [person(1)]);
    const native = await crm.adapter.upsert('contacts', [person(2)]);
    const results = await crm.adapter.upsert('contacts', [
      { remoteId: created!.remoteId, junctionId: 'J-1', fields: { jobtitle: 'CTO', phone: null } },
      { remoteId: native[0]!.remoteId, junctionId: 'J-200', fields: { firstname: 'Renamed' } },
    ]);
    expect(results.map((r) => [r.ok, r.created, r.remoteId])).toEqual([
      [true, false, created!.remoteId],
      [true, false, native[0]!.remoteId],
    ]);
    const stored = await contacts();
    const one = stored.find((c) => c.id === created!.remoteId)!;
    expect(one.properties).toMatchObject({ jobtitle: 'CTO', phone: '', email: 'p1@example.com' });
    expect(stored.find((c) => c.id === native[0]!.remoteId)!.properties).toMatchObject({ firstname: 'Renamed', junction_id: 'J-200' });
  });

  it('reports per-record failures in input order without failing the others', async () => {
    const [existing] = await crm.adapter.upsert('contacts', [person(1)]);
    const results = await crm.adapter.upsert('contacts', [
      person(2),
      person(3, { email: 'not an email' }),
      { remoteId: '424242', junctionId: 'J-4', fields: { firstname: 'Ghost' } },
      person(5, { email: 'P1@example.com' }),
      { remoteId: existing!.remoteId, junctionId: 'J-1', fields: { email: 'still-not-valid' } },
      person(6),
    ]);
    expect(results.map((r) => r.junctionId)).toEqual(['J-2', 'J-3', 'J-4', 'J-5', 'J-1', 'J-6']);
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false, true]);
    expect(results[1]!.error).toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_EMAIL', fields: ['email'] });
    expect(results[2]!.error).toMatchObject({ errorClass: 'NOT_FOUND', code: 'OBJECT_NOT_FOUND' });
    expect(results[3]!.error).toMatchObject({ errorClass: 'CONFLICT' });
    expect(results[3]!.error!.message).toContain(`Existing ID: ${existing!.remoteId}`);
    expect(results[4]!.error).toMatchObject({ errorClass: 'VALIDATION', code: 'INVALID_EMAIL' });
    expect((await contacts()).map((c) => c.properties.email).sort()).toEqual(['p1@example.com', 'p2@example.com', 'p6@example.com']);
  });

  it('chunks 250 records into batches of 100 and keeps one result per input', async () => {
    const records = Array.from({ length: 250 }, (_, i) => person(i));
    const before = (await stats(crm.emu)).requests;
    const results = await crm.adapter.upsert('contacts', records);
    expect(results).toHaveLength(250);
    expect(results.every((r, i) => r.ok && r.junctionId === `J-${i}`)).toBe(true);
    expect((await stats(crm.emu)).requests - before).toBe(3);
    expect(new Set(results.map((r) => r.remoteId)).size).toBe(250);
  });

  it('splits a batch the vendor rejects whole (duplicate ids) instead of failing every record', async () => {
    const results = await crm.adapter.upsert('companies', [
      { junctionId: 'C-1', fields: { name: 'First' } },
      { junctionId: 'C-2', fields: { name: 'Second' } },
      { junctionId: 'C-1', fields: { name: 'First, again' } },
    ]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(results[0]!.remoteId).toBe(results[2]!.remoteId);
    const companies = await admin<StoredContact[]>(crm.emu, 'GET', 'records/companies');
    expect(companies.map((c) => c.properties.name).sort()).toEqual(['First, again', 'Second']);
  });
});

describe('archive', () => {
  it('archives in batches (soft delete) and listChanged then reports them deleted', async () => {
    const created = await crm.adapter.upsert('contacts', [person(1), person(2), person(3)]);
    const cursor = (await collect(crm.adapter.listChanged('contacts', null, { fields: ['email'] }))).at(-1)!.cursor;
    const results = await crm.adapter.archive('contacts', [created[0]!.remoteId!, created[2]!.remoteId!]);
    expect(results.map((r) => [r.ok, r.remoteId])).toEqual([
      [true, created[0]!.remoteId],
      [true, created[2]!.remoteId],
    ]);
    const stored = await contacts();
    expect(stored.filter((c) => c.archived).map((c) => c.id)).toEqual([created[0]!.remoteId, created[2]!.remoteId]);
    const changes = (await collect(crm.adapter.listChanged('contacts', cursor, { fields: ['email'] }))).flatMap((p) => p.records);
    expect(changes.map((r) => [r.remoteId, r.deleted])).toEqual([
      [created[0]!.remoteId, true],
      [created[2]!.remoteId, true],
    ]);
  });
});
