/**
 * The embedded database template: a new data directory starts as a copy of an initialised,
 * migrated PGlite cluster, opens like any embedded database, and a directory that already
 * holds something is never overwritten.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../migrations';
import { openDatabase } from '../../../src/process/store/database';
import { embeddedTemplateDir, ensureEmbeddedTemplate, seedFromTemplate } from '../../../src/process/store/embedded-template';

const root = mkdtempSync(join(tmpdir(), 'junction-template-test-'));

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('embedded database template', () => {
  it('seeds a new data directory that opens with every migration applied, and leaves it alone afterwards', { timeout: 180_000 }, async () => {
    const template = await ensureEmbeddedTemplate();
    expect(template).toBe(embeddedTemplateDir());
    expect(existsSync(join(template!, 'PG_VERSION'))).toBe(true);

    const dir = join(root, 'data', 'pgdata');
    expect(await seedFromTemplate(dir)).toBe(true);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(true);
    expect(await seedFromTemplate(dir)).toBe(false);

    const db = await openDatabase({ embeddedDir: dir });
    try {
      const applied = (await db.dataSource.query(`SELECT name FROM migrations ORDER BY id`)) as Array<{ name: string }>;
      expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name));
      await db.dataSource.query(`INSERT INTO api_keys (name, role, prefix, key_hash) VALUES ('t', 'VIEWER', 'jk_t', 'h')`);
      expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM api_keys`)).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
    // The copy is the data directory's own: the template did not change.
    const again = join(root, 'again', 'pgdata');
    expect(await seedFromTemplate(again)).toBe(true);
    const fresh = await openDatabase({ embeddedDir: again });
    try {
      expect(await fresh.dataSource.query(`SELECT count(*)::int AS n FROM api_keys`)).toEqual([{ n: 0 }]);
    } finally {
      await fresh.close();
    }
  });

  it('never fills a directory that already holds files', async () => {
    const dir = join(root, 'occupied');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(await seedFromTemplate(dir)).toBe(false);
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false);
  });
});
