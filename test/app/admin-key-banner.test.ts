/**
 * Issue 14, finding 7: the start-up banner and the admin key, with `npm start` as a real
 * process on the embedded database. A configured JUNCTION_ADMIN_KEY is never printed; a
 * generated key is printed once, at the start that made it, and not at the next.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startJunctionProcess, type JunctionProcess } from '../support/junction-process';

const CONFIGURED = 'jk_configured-admin-key-for-the-banner-test-0123';
const QUIET = { JUNCTION_EMULATORS: 'none', JUNCTION_SEED: '0' };
const dirs: string[] = [];
let junction: JunctionProcess | undefined;

const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'junction-banner-'));
  dirs.push(dir);
  return dir;
};

async function viewerRole(url: string, key: string): Promise<string | undefined> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query: '{ viewer { role } }' }) });
  return ((await res.json()) as { data?: { viewer?: { role: string } } }).data?.viewer?.role;
}

/** Starts Junction, checks what it printed and that `key` works, then stops it. */
async function startOnce(env: Record<string, string>, key: string | undefined): Promise<string> {
  junction = await startJunctionProcess({ ...QUIET, ...env }, key ?? '', 120_000);
  const output = junction.output();
  const shown = /Admin key\s+(jk_\S+)/.exec(output)?.[1];
  expect(await viewerRole(junction.url, key ?? shown ?? 'none')).toBe('ADMIN');
  await junction.kill('SIGKILL');
  junction = undefined;
  return output;
}

afterEach(async () => {
  await junction?.kill('SIGKILL');
  junction = undefined;
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the admin key at start-up', () => {
  // One data directory, three starts (each start of a real process costs seconds, so they share it).
  it('prints a generated key once, not at the next start, and never a key configured in JUNCTION_ADMIN_KEY', { timeout: 300_000 }, async () => {
    const dir = dataDir();
    const first = await startOnce({ JUNCTION_DATA_DIR: dir }, undefined);
    const generated = /Admin key\s+(jk_[A-Za-z0-9_-]{43})\s+\(shown once/.exec(first)?.[1];
    expect(generated).toBeDefined();
    expect(first.split(generated!).length - 1).toBe(1);

    const second = await startOnce({ JUNCTION_DATA_DIR: dir }, generated);
    expect(second).not.toMatch(/jk_[A-Za-z0-9_-]{43}/);
    expect(second).toMatch(/Admin key\s+the one you configured or were shown before/);

    // A configured key is stored at this start (the start that used to print it) and works, but is not shown.
    const third = await startOnce({ JUNCTION_DATA_DIR: dir, JUNCTION_ADMIN_KEY: CONFIGURED }, CONFIGURED);
    expect(third).toContain('Junction is ready');
    expect(third).not.toContain(CONFIGURED);
    expect(third).not.toContain(CONFIGURED.slice(8));
    expect(third).not.toContain(generated!);
    expect(third).toMatch(/Admin key\s+the one you configured or were shown before/);
  });
});
