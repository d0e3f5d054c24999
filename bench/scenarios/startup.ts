/**
 * 7. Start-up: `npm start` as a real child process (the command package.json runs) on the
 * embedded database in a fresh temporary JUNCTION_DATA_DIR, no emulators, to the
 * "Junction is ready" line — first boot (creates and migrates the database) and second boot.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/junction-process';
import { fmt, type ResultRow } from '../support/measure';

const ROOT = join(__dirname, '..', '..');

async function bootOnce(dataDir: string): Promise<{ ms: number; rssMb: number | null }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-r', './scripts/register.cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), LOG_LEVEL: 'warn', JUNCTION_DATA_DIR: dataDir, JUNCTION_EMULATORS: 'none' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const ready = new Promise<number>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Junction is ready')) resolve(performance.now() - t0);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`Junction exited with ${code} before ready: ${out.slice(-500)}`)));
    setTimeout(() => reject(new Error(`not ready within 120 s: ${out.slice(-500)}`)), 120_000).unref();
  });
  try {
    const ms = await ready;
    let rssMb: number | null = null;
    try {
      const status = (await import('node:fs')).readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      rssMb = kb ? Number(kb) / 1024 : null;
    } catch {
      rssMb = null;
    }
    return { ms, rssMb };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

export async function runStartup(): Promise<ResultRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'junction-bench-start-'));
  try {
    const first = await bootOnce(dir);
    const second = await bootOnce(dir);
    return [first, second].map((b, i) => ({
      scenario: `7 start-up: npm start to ready, embedded database, ${i === 0 ? 'first' : 'second'} boot`,
      figure: `${fmt(b.ms / 1000, 2)} s (RSS ${b.rssMb === null ? 'n/a' : `${fmt(b.rssMb)} MB`})`,
      baseline: '—',
      ratio: null,
      target: '< 5 s',
      met: b.ms < 5000,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
