/**
 * One process per embedded data directory. PGlite keeps the database in the process that opened
 * it; a second process opening the same directory (say `npm run audit` beside a running
 * Junction) would write the same files behind the first one's back. The lock is a file with
 * the holder's pid, taken before PGlite opens the directory and removed when it closes; a file
 * whose process is gone (a crash) is taken over.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'junction.lock';

export class EmbeddedStoreHeldError extends Error {
  override readonly name = 'EmbeddedStoreHeldError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`the embedded store in ${dir} is held by a running process (pid ${pid}); if no Junction runs there, delete ${join(dir, LOCK_FILE)}`);
  }
}

/** Directories this process holds: its own pid in a lock file it did not write is a previous life's (a restarted container). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory's lock or throws EmbeddedStoreHeldError; the answer releases it. */
export function lockEmbeddedStore(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      held.add(dir);
      return () => {
        held.delete(dir);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      const holder = Number.isInteger(pid) && pid > 0 && (pid === process.pid ? held.has(dir) : alive(pid));
      if (holder) throw new EmbeddedStoreHeldError(dir, pid);
      rmSync(file, { force: true });
    }
  }
}
