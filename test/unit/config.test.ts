import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

describe('loadConfig', () => {
  it('runs on embedded defaults with no configuration', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ http: { port: 4000 }, database: { url: undefined }, role: { api: true, worker: true }, emulators: { mode: 'start', crms: ['salesforce', 'hubspot', 'dynamics'] }, seedPerEmulator: 200 });
  });

  it('names every problem in one message', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', JUNCTION_ROLE: 'boss', JUNCTION_SEED: '-1', JUNCTION_EMULATORS: 'salesforce,oracle' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'JUNCTION_ROLE', 'JUNCTION_SEED', 'JUNCTION_EMULATORS']) expect(problems).toContain(name);
    expect((err as ConfigError).message.split('\n')).toHaveLength(1);
  });

  it('requires a master key in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JUNCTION_MASTER_KEY is required/);
    expect(loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: 'a'.repeat(64) }).masterKey).toBe('a'.repeat(64));
  });

  it('splits serving from syncing by role, and parses an emulator list', () => {
    expect(loadConfig({ JUNCTION_ROLE: 'worker' }).role).toEqual({ api: false, worker: true });
    expect(loadConfig({ JUNCTION_EMULATORS: 'salesforce, hubspot' }).emulators.crms).toEqual(['salesforce', 'hubspot']);
    expect(loadConfig({ JUNCTION_EMULATORS: 'external' }).emulators.mode).toBe('external');
  });

  it('reads trusted proxies as IPs, CIDR ranges and proxy-addr names, naming every bad entry', () => {
    expect(loadConfig({}).security.trustedProxies).toEqual([]);
    expect(loadConfig({ JUNCTION_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,fd00::/8 , loopback' }).security.trustedProxies).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', 'loopback']);
    expect(() => loadConfig({ JUNCTION_TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal,10.0.0.1/99' })).toThrow(
      /JUNCTION_TRUSTED_PROXIES must list IP addresses or CIDR ranges \(or loopback, linklocal, uniquelocal\); not proxy\.internal, 10\.0\.0\.1\/99/,
    );
  });

  it('keeps the emulators on their vendor ports unless free ports are asked for', () => {
    expect(loadConfig({}).emulators.freePorts).toBe(false);
    expect(loadConfig({ JUNCTION_EMULATOR_PORTS: 'free' }).emulators.freePorts).toBe(true);
    expect(() => loadConfig({ JUNCTION_EMULATOR_PORTS: 'any' })).toThrow(/JUNCTION_EMULATOR_PORTS must be fixed or free/);
  });
});
