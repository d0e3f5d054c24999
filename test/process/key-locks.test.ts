import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Database } from '../../src/process/store/database';
import { lockKeys } from '../../src/process/store/key-locks';
import { openTestDatabase } from '../support/database';

describe('natural-key locks', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(async () => db?.close());

  it('holds a bounded number of locks however many keys one transaction touches', async () => {
    // 20,000 keys used to mean 20,000 advisory locks held to commit: "out of shared memory".
    const held = await db.dataSource.transaction(async (m) => {
      await lockKeys(m, 'contact', Array.from({ length: 20_000 }, (_, i) => `email:person${i}@example.com`));
      await lockKeys(m, 'company', ['acme', 'globex']);
      const rows = (await m.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`)) as Array<{ n: number }>;
      return rows[0]!.n;
    });
    expect(held).toBeGreaterThan(2);
    expect(held).toBeLessThanOrEqual(256 + 2);
  });

  // The embedded database has one session, so there is no second writer to observe there.
  it.skipIf(inject('embeddedDatabase'))('makes a second writer of the same key wait until the first commits', async () => {
    const order: string[] = [];
    let release!: () => void;
    const holding = new Promise<void>((r) => (release = r));
    const first = db.dataSource.transaction(async (m) => {
      await lockKeys(m, 'contact', ['email:same@example.com']);
      order.push('first locked');
      await holding;
      order.push('first commits');
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = db.dataSource.transaction(async (m) => {
      await lockKeys(m, 'contact', ['email:same@example.com']);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 200));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first commits', 'second locked']);
  });
});
