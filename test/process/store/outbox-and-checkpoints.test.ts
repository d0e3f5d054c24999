/**
 * The repositories a delivery and a run's bookkeeping go through (store/pages/, store/schema/),
 * statement by statement: the outbox filled and drained, the links an outbound batch reads,
 * BULK checkpoints beside incremental cursors, and the schema watch's connection status.
 * On PostgreSQL and PGlite.
 */
import { describe, expect, it } from 'vitest';
import { deleteBulkCheckpoint, deleteBulkCheckpoints, readBulkCheckpoint, writeBulkCheckpoint } from '../../../src/process/store/pages/bulk-checkpoint.repository';
import * as outbox from '../../../src/process/store/pages/outbox.repository';
import { linksByRecordId } from '../../../src/process/store/pages/source-link.repository';
import { clearSchemaDrift, markSchemaDrift, saveOrgFeatures } from '../../../src/process/store/schema/connection-schema.repository';
import { insertConnection, insertContact, insertSourceLink } from '../../support/builders';
import { useDatabase } from '../../support/database';

const AT = new Date('2025-02-01T10:00:00.000Z');

const db = useDatabase({ resetEach: true });

const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db.dataSource.query(text, params) as Promise<T[]>;

describe('outbox', () => {
  it('queues a change for every enabled connection but its source, once while pending, and drains it in id order', async () => {
    const source = await insertConnection(db.dataSource);
    const target = await insertConnection(db.dataSource);
    await insertConnection(db.dataSource, { enabled: false });
    const [a, b, c] = [await insertContact(db.dataSource), await insertContact(db.dataSource), await insertContact(db.dataSource)];
    await outbox.enqueueForOthers(db.dataSource, [
      { kind: 'CONTACT', recordId: a, except: source, changedAt: AT },
      { kind: 'CONTACT', recordId: b, except: null, changedAt: null },
    ]);
    // Pending already: nothing added, the earlier source time stays.
    await outbox.enqueueForOthers(db.dataSource, [{ kind: 'CONTACT', recordId: a, except: source, changedAt: new Date(AT.getTime() + 1000) }]);
    await outbox.enqueueFor(db.dataSource, source, [{ kind: 'CONTACT', recordId: c }]);
    const rows = await sql<{ connection_id: string; record_id: string; source_changed_at: Date | null }>(`SELECT connection_id, record_id, source_changed_at FROM outbox ORDER BY id`);
    expect(rows.map((r) => [r.connection_id, r.record_id])).toEqual([
      [target, a],
      [source, b],
      [target, b],
      [source, c],
    ]);
    expect(new Date(rows[0]!.source_changed_at!).toISOString()).toBe(AT.toISOString());

    expect(await outbox.pendingExceeds(db.dataSource, source, 'CONTACT', 1)).toBe(true);
    expect(await outbox.pendingExceeds(db.dataSource, source, 'CONTACT', 2)).toBe(false);
    expect(await outbox.pendingExceeds(db.dataSource, source, 'COMPANY', 0)).toBe(false);
    const first = await outbox.pendingAfter(db.dataSource, source, 'CONTACT', '0', 1);
    expect(first).toEqual([{ id: expect.any(String), kind: 'CONTACT', recordId: b }]);
    expect((await outbox.pendingAfter(db.dataSource, source, 'CONTACT', first[0]!.id, 10)).map((e) => e.recordId)).toEqual([c]);
  });

  it('closes delivered and empty rows, keeps transient failures queued, and counts a failed call as an attempt', async () => {
    const connection = await insertConnection(db.dataSource);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await insertContact(db.dataSource));
    await outbox.enqueueForOthers(db.dataSource, ids.map((recordId) => ({ kind: 'CONTACT' as const, recordId, except: null, changedAt: null })));
    const entries = await outbox.pendingAfter(db.dataSource, connection, 'CONTACT', '0', 10);
    const [delivered, empty, final, transient, called] = entries.map((e) => e.id);
    await outbox.markDelivered(db.dataSource, [delivered!]);
    await outbox.markNothingToWrite(db.dataSource, [empty!]);
    await outbox.markFailed(db.dataSource, [
      { id: final!, error: 'refused', final: true },
      { id: transient!, error: 'timed out', final: false },
    ]);
    await outbox.markAttempted(db.dataSource, [called!], 'network down');
    const rows = await sql<{ id: string; attempts: number; last_error: string | null; delivered: boolean }>(
      `SELECT id::text AS id, attempts, last_error, delivered_at IS NOT NULL AS delivered FROM outbox ORDER BY id`,
    );
    expect(rows.map((r) => [r.attempts, r.last_error, r.delivered])).toEqual([
      [1, null, true],
      [0, 'nothing to write', true],
      [1, 'refused', true],
      [1, 'timed out', false],
      [1, 'network down', false],
    ]);
  });
});

describe('links of an outbound batch', () => {
  it('reads a connection’s links by record id, with the known state only when asked', async () => {
    const connection = await insertConnection(db.dataSource);
    const elsewhere = await insertConnection(db.dataSource);
    const contact = await insertContact(db.dataSource);
    await insertSourceLink(db.dataSource, { connection_id: connection, record_id: contact, remote_id: '0031', known_state: JSON.stringify({ Email: 'a@example.com' }) });
    await insertSourceLink(db.dataSource, { connection_id: elsewhere, record_id: contact, remote_id: '0039' });
    expect([...(await linksByRecordId(db.dataSource, connection, [contact], true)).values()]).toEqual([
      { recordId: contact, remoteType: 'Contact', remoteId: '0031', known: { Email: 'a@example.com' } },
    ]);
    expect((await linksByRecordId(db.dataSource, connection, [contact])).get(contact)).toEqual({ recordId: contact, remoteType: 'Contact', remoteId: '0031', known: null });
    expect((await linksByRecordId(db.dataSource, connection, [])).size).toBe(0);
  });
});

describe('BULK checkpoints', () => {
  it('keeps a checkpoint beside the incremental cursor, answers it only while fresh, and clears checkpoints alone', async () => {
    const connection = await insertConnection(db.dataSource);
    await sql(`INSERT INTO sync_cursors (connection_id, remote_type, cursor) VALUES ($1, 'Contact', 'incremental')`, [connection]);
    await writeBulkCheckpoint(db.dataSource, connection, 'Contact', 'first');
    await writeBulkCheckpoint(db.dataSource, connection, 'Contact', 'second');
    await writeBulkCheckpoint(db.dataSource, connection, 'Lead', 'lead');
    expect(await readBulkCheckpoint(db.dataSource, connection, 'Contact', 24)).toBe('second');
    await sql(`UPDATE sync_cursors SET updated_at = now() - interval '25 hours' WHERE remote_type = 'bulk:Lead'`);
    expect(await readBulkCheckpoint(db.dataSource, connection, 'Lead', 24)).toBeUndefined();
    expect(await readBulkCheckpoint(db.dataSource, connection, 'Lead', 26)).toBe('lead');

    await deleteBulkCheckpoint(db.dataSource, connection, 'Lead');
    expect(await sql(`SELECT remote_type FROM sync_cursors ORDER BY remote_type`)).toEqual([{ remote_type: 'Contact' }, { remote_type: 'bulk:Contact' }]);
    await deleteBulkCheckpoints(db.dataSource, connection);
    expect(await sql(`SELECT remote_type, cursor FROM sync_cursors`)).toEqual([{ remote_type: 'Contact', cursor: 'incremental' }]);
  });
});

describe('schema drift on the connection', () => {
  const statusOf = async (id: string) => (await sql(`SELECT status, status_reason, schema_drift, org_features FROM connections WHERE id = $1`, [id]))[0];

  it('degrades a connection for its drift, leaves a paused one paused, and restores only a drift-only degradation', async () => {
    const healthy = await insertConnection(db.dataSource);
    const paused = await insertConnection(db.dataSource, { status: 'PAUSED', status_reason: 'by an operator' });
    const otherwise = await insertConnection(db.dataSource, { status: 'DEGRADED', status_reason: 'rate limited' });
    for (const id of [healthy, paused]) await markSchemaDrift(db.dataSource, id, { Contact: ['Fax'] }, 'schema drift: Contact.Fax missing');
    expect(await statusOf(healthy)).toMatchObject({ status: 'DEGRADED', status_reason: 'schema drift: Contact.Fax missing', schema_drift: { Contact: ['Fax'] } });
    expect(await statusOf(paused)).toMatchObject({ status: 'PAUSED', status_reason: 'by an operator', schema_drift: { Contact: ['Fax'] } });

    for (const id of [healthy, paused, otherwise]) await clearSchemaDrift(db.dataSource, id);
    expect(await statusOf(healthy)).toMatchObject({ status: 'HEALTHY', status_reason: null, schema_drift: {} });
    expect(await statusOf(paused)).toMatchObject({ status: 'PAUSED', status_reason: 'by an operator' });
    expect(await statusOf(otherwise)).toMatchObject({ status: 'DEGRADED', status_reason: 'rate limited' });

    await saveOrgFeatures(db.dataSource, healthy, { stateCountryPicklists: true });
    expect((await statusOf(healthy))!.org_features).toEqual({ stateCountryPicklists: true });
  });
});
