/**
 * Two processes sharing Redis against one emulator with a hard rate limit of L requests per
 * window: together they never exceed it (no 429 from the emulator), because every instance
 * draws from one clustered budget per connection.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startEmulators, type RunningEmulator } from '../../src/system';

const ROOT = join(__dirname, '..', '..');
const L = 8;
const WINDOW_MS = 1000;
const CALLS_EACH = 12;

function runClient(env: Record<string, string>): Promise<{ ok: number; apiCalls: number; retries: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', './scripts/register.cjs', 'test/resilience/fixtures/limited-client.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as never) : reject(new Error(`client exited ${code}: ${err}`)),
    );
  });
}

describe.skipIf(!inject('redisUrl'))('a rate budget shared through Redis', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    [emulator] = await startEmulators({ crms: ['HUBSPOT'], seed: 5, defaultPorts: false });
  });
  afterAll(async () => emulator?.close());

  it(`two processes together stay within ${L} requests per ${WINDOW_MS} ms`, async () => {
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rateLimit: { requests: L, windowMs: WINDOW_MS } }),
    });
    const env = {
      EMULATOR_URL: emulator.url,
      REDIS_URL: inject('redisUrl'),
      LIMITER_ID: `shared-test-${randomUUID()}`,
      RATE_REQUESTS: String(L),
      RATE_WINDOW_MS: String(WINDOW_MS),
      CALLS: String(CALLS_EACH),
    };
    const started = Date.now();
    const [a, b] = await Promise.all([runClient(env), runClient(env)]);
    const elapsed = Date.now() - started;
    const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()) as { requests: number; byStatus: Record<string, number>; overLimit: number };
    expect(a.ok + b.ok).toBe(2 * CALLS_EACH);
    // Not one request over the limit: the emulator answered no 429 at all.
    expect(stats.byStatus['429'] ?? 0).toBe(0);
    expect(stats.requests).toBe(2 * CALLS_EACH);
    expect(a.retries + b.retries).toBe(0);
    // 24 calls at 8 per second take well over two seconds only if the budget really is shared.
    expect(elapsed).toBeGreaterThan(((2 * CALLS_EACH) / L - 1) * WINDOW_MS);
  });
});
