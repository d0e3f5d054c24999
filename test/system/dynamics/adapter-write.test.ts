/** upsert and archive over $batch change sets: create, update, replay, per-record failures, chunking. */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { admin, stats, useCrmEmulator } from '../../support/emulators';
import { SANDBOX } from '../../support/crms/dynamics';

const crm = useCrmEmulator('DYNAMICS', SANDBOX);

type Row = Record<string, unknown>;
const rows = (set: string) => admin<Row[]>(crm.emu, 'GET', `records/${set}`);

describe('upsert', () => {
  it('creates on the junction_id alternate key, updates by id, and a replay creates nothing', async () => {
    const ids = [randomUUID(), randomUUID()];
    const batch = ids.map((junctionId, n) => ({ junctionId, fields: { firstname: 'Ada', lastname: `L${n}`, emailaddress1: `a${n}@x.example` } }));
    const first = await crm.adapter.upsert('contacts', batch);
    expect(first.map((r) => [r.ok, r.created])).toEqual([
      [true, true],
      [true, true],
    ]);
    const replay = await crm.adapter.upsert('contacts', batch);
    expect(replay.map((r) => r.remoteId)).toEqual(first.map((r) => r.remoteId));
    expect(replay.every((r) => r.ok && r.created === false)).toBe(true);
    expect(await rows('contacts')).toHaveLength(2);

    const upd = await crm.adapter.upsert('contacts', [{ remoteId: first[1]!.remoteId, junctionId: ids[1]!, fields: { jobtitle: 'Countess', modifiedon: 'ignored' } }]);
    expect(upd[0]).toMatchObject({ ok: true, remoteId: first[1]!.remoteId, created: false });
    const stored = (await rows('contacts')).find((r) => r.contactid === first[1]!.remoteId)!;
    expect(stored).toMatchObject({ jobtitle: 'Countess', junction_id: ids[1], lastname: 'L1' });
  });

  it('links a contact to its account through @odata.bind', async () => {
    const [account] = await crm.adapter.upsert('accounts', [{ junctionId: 'co-1', fields: { name: 'Acme', websiteurl: 'acme.com' } }]);
    const [contact] = await crm.adapter.upsert('contacts', [{ junctionId: 'p-1', fields: { lastname: 'Lovelace', 'parentcustomerid_account@odata.bind': `/accounts(${account!.remoteId})` } }]);
    expect(contact!.ok).toBe(true);
    expect((await rows('contacts'))[0]!._parentcustomerid_value).toBe(account!.remoteId);
  });

  it('classifies a rejected record, keeps input order, and still writes the rest of the change set', async () => {
    const result = await crm.adapter.upsert('contacts', [
      { junctionId: 'ok-1', fields: { lastname: 'One' } },
      { junctionId: 'bad-1', fields: { firstname: 'No last name' } },
      { junctionId: 'ok-2', fields: { lastname: 'Two' } },
      { junctionId: 'bad-2', fields: { lastname: 'Typed', numberofemployees: 3 } },
      { remoteId: '00000000-0000-0000-0000-00000000dead', junctionId: 'gone', fields: { lastname: 'Gone' } },
    ]);
    expect(result.map((r) => r.junctionId)).toEqual(['ok-1', 'bad-1', 'ok-2', 'bad-2', 'gone']);
    expect(result.map((r) => r.ok)).toEqual([true, false, true, false, false]);
    expect(result[1]!.error).toMatchObject({ errorClass: 'VALIDATION', code: '0x80040200' });
    expect(result[1]!.error!.message).toContain('lastname');
    expect(result[3]!.error).toMatchObject({ errorClass: 'VALIDATION', code: '0x80048d19' });
    // A linked row deleted in Dataverse is reported, not resurrected (If-Match: *).
    expect(result[4]!.error).toMatchObject({ errorClass: 'NOT_FOUND', code: '0x80040217' });
    expect((await rows('contacts')).map((r) => r.lastname).sort()).toEqual(['One', 'Two']);
  });

  it('reports a junction_id held by another row as CONFLICT', async () => {
    const [a, b] = await crm.adapter.upsert('contacts', [
      { junctionId: 'first', fields: { lastname: 'A' } },
      { junctionId: 'second', fields: { lastname: 'B' } },
    ]);
    const clash = await crm.adapter.upsert('contacts', [{ remoteId: b!.remoteId, junctionId: 'first', fields: {} }]);
    expect(clash[0]).toMatchObject({ ok: false, error: { errorClass: 'CONFLICT', code: '0x80040237' } });
    expect(a!.ok).toBe(true);
  });

  it('splits more than 1,000 records into batches of at most 1,000', async () => {
    const records = Array.from({ length: 1001 }, (_, n) => ({ junctionId: `bulk-${n}`, fields: { lastname: `Bulk ${n}` } }));
    const before = (await stats(crm.emu)).requests;
    const result = await crm.adapter.upsert('contacts', records);
    expect(result.every((r) => r.ok)).toBe(true);
    expect((await stats(crm.emu)).requests - before).toBe(2);
    expect(await rows('contacts')).toHaveLength(1001);
  });
});

describe('archive', () => {
  it('deletes (Dataverse has no archive), and a replay succeeds', async () => {
    const [a, b] = await crm.adapter.upsert('accounts', [
      { junctionId: 'x', fields: { name: 'X' } },
      { junctionId: 'y', fields: { name: 'Y' } },
    ]);
    const result = await crm.adapter.archive('accounts', [a!.remoteId!]);
    expect(result).toEqual([{ junctionId: '', ok: true, remoteId: a!.remoteId }]);
    expect((await rows('accounts')).map((r) => r.accountid)).toEqual([b!.remoteId]);
    expect((await crm.adapter.archive('accounts', [a!.remoteId!]))[0]!.ok).toBe(true);
  });
});
