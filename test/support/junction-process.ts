/**
 * Runs Junction as `npm start` does — a real child process — and talks to it over HTTP.
 */
import { freePort } from '../../src/process/store/embedded-server';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface JunctionProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  graphql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
  /** Sends the signal and waits for the exit: its code (null when the signal killed it) and how long it took. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  /** The in-process emulators' URLs, by CRM kind, as the banner printed them. */
  emulatorUrls(): Map<string, string>;
}

/** Starts `src/main.ts` with the given environment (nothing inherited but PATH and HOME). */
export async function startJunctionProcess(env: Record<string, string>, adminKey: string, readyTimeoutMs = 90_000): Promise<JunctionProcess> {
  // A free port can be taken by another process between freePort() and the child's listen: then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, adminKey, readyTimeoutMs);
    } catch (err) {
      if (env.PORT || attempt >= 3 || !/EADDRINUSE/.test(String(err))) throw err;
    }
  }
}

async function startOnce(env: Record<string, string>, adminKey: string, readyTimeoutMs: number): Promise<JunctionProcess> {
  const port = env.PORT ?? String(await freePort());
  const child = spawn(process.execPath, ['-r', './scripts/register.cjs', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: port, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + readyTimeoutMs;
  while (!out.includes('Junction is ready')) {
    if (child.exitCode !== null) throw new Error(`Junction exited with ${child.exitCode}: ${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Junction was not ready within ${readyTimeoutMs} ms: ${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    url,
    output: () => out,
    async graphql(query, variables) {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` }, body: JSON.stringify({ query, variables }) });
      return res.json() as never;
    },
    async kill(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
    async stop(signal = 'SIGTERM') {
      const sent = performance.now();
      child.kill(signal);
      const code = await exited;
      return { code, ms: performance.now() - sent };
    },
    emulatorUrls() {
      return new Map([...out.matchAll(/^\s+([A-Z]+)\s+emulator (http:\/\/\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export { freePort };

/** A Junction against emulators started outside it, with fixed keys and a half-second schedule: what the process-level resilience tests share. */
export function externalCrmsEnv(dataDir: string, keys: { admin: string; master: string }): Record<string, string> {
  return { JUNCTION_DATA_DIR: dataDir, JUNCTION_EMULATORS: 'none', JUNCTION_ADMIN_KEY: keys.admin, JUNCTION_MASTER_KEY: keys.master, JUNCTION_SYNC_INTERVAL_MS: '500' };
}
