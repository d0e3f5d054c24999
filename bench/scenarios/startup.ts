/**
 * 7. Start-up: `npm start` as a real child process (the command package.json runs) on the
 * embedded database in a fresh temporary JUNCTION_DATA_DIR, no emulators, to the
 * "Junction is ready" line — first boot (creates and migrates the database) and second boot.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedTemplate } from '../../src/process/store/embedded-template';
import { freePort } from '../../src/process/store/embedded-server';
import { fmt, type ResultRow } from '../support/measure';

const ROOT = join(__dirname, '..', '..');

/** The arguments of package.json's `start` script after `node` (what `npm start` runs, without npm's own start-up). */
function startArgs(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (node !== 'node') throw new Error(`npm start does not run node directly: ${pkg.scripts.start}`);
  return args;
}

async function bootOnce(dataDir: string): Promise<{ ms: number; rssMb: number | null; cpuS: number | null }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, startArgs(), {
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
    let cpuS: number | null = null;
    try {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
      rssMb = kb ? Number(kb) / 1024 : null;
      // CPU the process used to get ready (utime + stime, in clock ticks of 1/100 s): what a busy machine's wall clock hides.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      cpuS = (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      rssMb = null;
    }
    return { ms, rssMb, cpuS };
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
    // What `npm install` leaves behind (scripts/postinstall.cjs): the migrated embedded database template.
    const t0 = performance.now();
    const template = await ensureEmbeddedTemplate();
    process.stderr.write(`  embedded database template: ${template ?? 'none (first boot runs initdb)'} (${fmt((performance.now() - t0) / 1000, 1)} s; made once per install)\n`);
    const first = await bootOnce(dir);
    const second = await bootOnce(dir);
    return [first, second].map((b, i) => ({
      scenario: `7 start-up: npm start to ready, embedded database, ${i === 0 ? `first boot (new data directory${template ? ', from the install-time template' : ', initdb'})` : 'second boot'}`,
      figure: `${fmt(b.ms / 1000, 2)} s (CPU ${b.cpuS === null ? 'n/a' : `${fmt(b.cpuS, 2)} s`}, RSS ${b.rssMb === null ? 'n/a' : `${fmt(b.rssMb)} MB`})`,
      baseline: '—',
      ratio: null,
      target: '< 5 s',
      met: b.ms < 5000,
    }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
