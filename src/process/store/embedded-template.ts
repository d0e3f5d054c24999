/**
 * A pre-initialised, pre-migrated embedded database, so a first `npm start` runs neither
 * initdb nor the migrations (nor pg-boss's schema set-up).
 *
 * PGlite's initdb (in wasm) is most of a first boot: 3–4 s on an idle 2-core machine, over
 * 15 s on a busy one, and the migrations on a new database another 1–2 s, against ~1 s for
 * everything else (BENCHMARKS.md scenario 7). The result is the same for every installation
 * with one PGlite version and one set of migrations, so it is made once — by `npm install`
 * (scripts/postinstall.cjs), or else by the first boot that finds none — into
 * node_modules/.cache, and every new data directory starts as a copy. The template's name
 * carries the PGlite version and a fingerprint of the migrations' code, so a changed or added
 * migration makes a new one (and a data directory copied from any template still runs every
 * migration it lacks, as any database does). Anything that goes wrong here (read-only
 * node_modules, a full disk) falls back to PGlite's own initdb.
 */
import { createHash } from 'node:crypto';
import { constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { MIGRATIONS } from '../../../migrations';
import { openMigrated } from './data-source';
import { startEmbeddedServer } from './embedded-server';
import { startJobQueue, stopJobQueue } from './runs/job-queue.repository';

/** Present in every initialised PostgreSQL data directory. */
const MARKER = 'PG_VERSION';
const TEMPLATE_PREFIX = 'pglite-';
const KEPT_TEMPLATES = 3;

/** Changes whenever a migration is added, removed or edited (or the recipe below). */
function migrationsFingerprint(): string {
  // The template's own recipe: bump when what goes into a template changes.
  const hash = createHash('sha256').update('recipe 2: initdb, migrations, pg-boss schema\n');
  for (const m of MIGRATIONS) hash.update(`${m.name}\n${m.prototype.up.toString()}\n${m.prototype.down.toString()}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** Where the template for the installed PGlite version lives; undefined when PGlite cannot be located. */
export function embeddedTemplateDir(): string | undefined {
  try {
    const entry = require.resolve('@electric-sql/pglite');
    const at = entry.lastIndexOf(`${sep}node_modules${sep}`);
    if (at < 0) return undefined;
    const nodeModules = entry.slice(0, at + `${sep}node_modules`.length);
    const version = (JSON.parse(readFileSync(join(nodeModules, '@electric-sql', 'pglite', 'package.json'), 'utf8')) as { version: string }).version;
    return join(nodeModules, '.cache', 'junction', `${TEMPLATE_PREFIX}${version}-${migrationsFingerprint()}`);
  } catch {
    return undefined;
  }
}

const initialised = (dir: string): boolean => existsSync(join(dir, MARKER));

/**
 * Makes the template when it is missing: initdb in a private directory, closed cleanly,
 * then renamed into place (atomic, so concurrent installs or boots never see half of one).
 * Returns its directory, or undefined when it cannot be made here.
 */
export async function ensureEmbeddedTemplate(): Promise<string | undefined> {
  const template = embeddedTemplateDir();
  if (!template) return undefined;
  if (initialised(template)) return template;
  const building = `${template}.building-${process.pid}`;
  try {
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    // initdb and every migration, exactly as a first boot would do them,
    // and pg-boss's schema and queues, which the first start would otherwise create (~1.5 s on PGlite).
    const server = await startEmbeddedServer(building);
    try {
      const dataSource = await openMigrated(server.url, true);
      try {
        await stopJobQueue(await startJobQueue(dataSource, { maintenance: false }));
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await server.stop();
    }
    try {
      renameSync(building, template);
    } catch {
      // Another process put one in place first; theirs is as good as ours.
      if (!initialised(template)) throw new Error(`could not place the embedded database template at ${template}`);
    }
    removeOtherTemplates(template);
    return template;
  } catch {
    return undefined;
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

/**
 * Starts a new embedded data directory as a copy of the template (made now if missing).
 * Does nothing for a directory that already holds a database. Returns whether it copied.
 * The copy goes to a sibling directory first and is renamed into place, so a crash
 * mid-copy leaves no half-initialised database behind.
 */
export async function seedFromTemplate(dir: string): Promise<boolean> {
  if (initialised(dir)) return false;
  if (existsSync(dir) && readdirSync(dir).length > 0) return false; // not ours to fill
  const template = await ensureEmbeddedTemplate();
  if (!template) return false;
  const staging = join(dirname(dir), `.${MARKER}-copy-${process.pid}`);
  try {
    mkdirSync(dirname(dir), { recursive: true });
    rmSync(staging, { recursive: true, force: true });
    // A copy-on-write clone where the filesystem offers one; a plain copy elsewhere.
    cpSync(template, staging, { recursive: true, mode: constants.COPYFILE_FICLONE });
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
    return true;
  } catch {
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return false;
  }
}

/**
 * Keeps the few newest templates and drops older ones (other PGlite versions, older migration
 * sets). A few, not one: code compiled by different tools (npm start's swc, the test runner)
 * prints the same migrations differently, so each keeps its own template rather than
 * replacing the other's on every switch.
 */
function removeOtherTemplates(current: string): void {
  try {
    const dir = dirname(current);
    const others = readdirSync(dir)
      .filter((name) => name.startsWith(TEMPLATE_PREFIX) && name !== basename(current) && !name.includes('.building-'))
      .map((name) => ({ path: join(dir, name), at: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.at - a.at);
    for (const old of others.slice(KEPT_TEMPLATES - 1)) rmSync(old.path, { recursive: true, force: true });
  } catch {
    // Only housekeeping.
  }
}
