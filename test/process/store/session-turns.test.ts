/**
 * Turns at the embedded store's one session (session-turns.ts): a sync asking for its turn
 * waits while the API holds the session or waits for it, and gets it once they are done.
 * Ordered events, not timings: the turn is asked with a wait cap far above the test's length.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/process/store/database';
import { isSingleSession, sessionTurn } from '../../../src/process/store/session-turns';
import { useDatabase } from '../../support/database';

const NO_CAP_MS = 120_000;

describe('turns at the embedded database session', () => {
  const shared = useDatabase();
  let dir: string;
  let embedded: Database;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'junction-session-turns-'));
    embedded = await openDatabase({ embeddedDir: dir });
  });
  afterAll(async () => {
    await embedded?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is taken on the embedded store only; on a pooled PostgreSQL store a turn is granted at once', async () => {
    expect(isSingleSession(embedded.dataSource)).toBe(true);
    expect(isSingleSession(shared.dataSource)).toBe(shared.embedded);
    if (!shared.embedded) expect(await sessionTurn(shared.dataSource, NO_CAP_MS)).toBe(0);
  });

  it('waits while another holds the session and while a read waits for it, and is granted after both', async () => {
    const db = embedded.dataSource;
    const order: string[] = [];
    // Someone (a sync transaction, an API read) holds the one session …
    const holder = db.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    const turn = sessionTurn(db, NO_CAP_MS).then(() => order.push('turn'));
    // … and an API read queues behind it.
    const read = db.query(`SELECT count(*) FROM contacts`).then(() => order.push('read'));
    await holder.query('SELECT 1');
    order.push('holder still busy');
    await holder.commitTransaction();
    await holder.release();
    await Promise.all([turn, read]);
    expect(order).toEqual(['holder still busy', 'read', 'turn']);
  });
});
