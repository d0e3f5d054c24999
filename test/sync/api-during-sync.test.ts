/**
 * The API keeps answering while a BULK sync writes to the embedded store (issue 20, item 2):
 * on PGlite's one session the sync writes in transactions of at most 100 records and gives
 * the API its turn before each (session-turns.ts), and PGlite runs in a thread of its own
 * (embedded-server.ts). How fast the answers come is the bench's business (scenario 9);
 * here: every /readyz and contract Contacts read made during the run is answered 200 without
 * errors while the run is still going, and the run takes the session in small transactions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/process/store/database';
import { runOf } from '../../src/process/sync/runs/sync-run.service';
import { gql } from '../support/harness';
import { startSyncHarness, type SyncHarness } from '../support/sync-harness';
import { contractOperations } from '../security/support';

/** 1,500 people: 15 transactions of 100 at least (2 of 1,000 before). */
const PEOPLE = 1_500;
const CONTACTS = contractOperations().find((o) => o.name === 'Contacts')!.document;

interface Answer {
  readyz: number;
  contacts: number;
  errors: unknown;
  /** The run had not ended when both answers were in. */
  duringRun: boolean;
}

/** Statements writing new contacts while `run` runs: the sync writes a slice's new contacts in one, inside the slice's transaction. */
async function contactWritesDuring<T>(run: () => Promise<T>): Promise<{ value: T; writes: number }> {
  const original = pg.Client.prototype.query;
  let writes = 0;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (typeof args[0] === 'string' && /^\s*INSERT INTO contacts \(/.test(args[0])) writes++;
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    return { value: await run(), writes };
  } finally {
    pg.Client.prototype.query = original;
  }
}

describe('the API during a BULK sync on the embedded store', () => {
  let dir: string;
  let h: SyncHarness;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'junction-api-during-sync-'));
    const database = await openDatabase({ embeddedDir: dir });
    h = await startSyncHarness({ seed: { SALESFORCE: PEOPLE }, database, api: true });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'answers every /readyz and Contacts(first: 100) made while the run goes on, and the run writes 100 records a transaction at most',
    { timeout: 240_000 },
    async () => {
      const api = h.api!;
      const key = await api.keyFor('VIEWER');
      const answers: Answer[] = [];
      const { value: run, writes } = await contactWritesDuring(async () => {
        const queued = runOf(await h.runs.trigger(h.connectionIds.get('SALESFORCE')!, 'BULK'));
        let running = true;
        const drained = h.worker.drain().finally(() => (running = false));
        while (running) {
          const [readyz, contacts] = await Promise.all([fetch(`${api.url}/readyz`).then((r) => r.status), gql(api.url, CONTACTS, { first: 100 }, key)]);
          answers.push({ readyz, contacts: contacts.status, errors: contacts.body.errors, duringRun: running });
        }
        await drained;
        return (await h.runs.get(queued.id))!;
      });

      expect(run.status).toBe('SUCCEEDED');
      expect(await h.count(`SELECT count(*) n FROM contacts`)).toBe(PEOPLE);
      expect(answers.every((a) => a.readyz === 200 && a.contacts === 200 && a.errors === undefined)).toBe(true);
      // Reads were served while the run still wrote, not only after it.
      expect(answers.filter((a) => a.duringRun).length).toBeGreaterThanOrEqual(3);
      // A transaction of 1,000 records held the one session for seconds (2 for these people); slices are now 100 records at most.
      expect(writes).toBeGreaterThanOrEqual(PEOPLE / 100);
    },
  );
});
