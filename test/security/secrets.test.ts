/**
 * Secrets at rest and in logs: credentials sealed under the master key (the connections
 * table never holds them in clear), production refuses to start without a master key,
 * `npm run rotate-master-key` re-seals every credential (connections keep working, the
 * old key opens nothing), and the logger redacts tokens, keys and Authorization headers
 * at any depth.
 */
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { ConnectionService } from '../../src/process/connections/connection.service';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';
import { rotateMasterKey, RotationError } from '../../src/process/security/rotate-master-key';
import { startEmulators, type RunningEmulator } from '../../src/system';
import { useDatabase } from '../support/database';
import { expectNoSecretsInLogs, SANDBOX_SECRETS } from './log-audit';

const SANDBOX = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };

const db = useDatabase();
let emulators: RunningEmulator[];

beforeAll(async () => {
  emulators = await startEmulators({ crms: ['SALESFORCE', 'HUBSPOT'], seed: 0, defaultPorts: false });
});

afterAll(async () => {
  await Promise.all((emulators ?? []).map((e) => e.close()));
});

async function createEmulatorConnections(key: string): Promise<{ service: ConnectionService; ids: string[] }> {
  const service = new ConnectionService(db.dataSource, new CredentialsCipher(key));
  const ids: string[] = [];
  for (const e of emulators) ids.push((await service.create({ name: `${e.kind} rotation`, kind: e.kind, baseUrl: e.url, credentials: SANDBOX })).id);
  return { service, ids };
}

async function expectConnectionsWork(key: string, ids: string[]): Promise<void> {
  const service = new ConnectionService(db.dataSource, new CredentialsCipher(key));
  try {
    for (const id of ids) expect(await service.test(id), `connection ${id}`).toMatchObject({ ok: true });
  } finally {
    await service.close();
  }
}

async function sealedRows(): Promise<Array<{ id: string; credentials_sealed: string }>> {
  return (await db.dataSource.query(`SELECT id, credentials_sealed FROM connections ORDER BY id`)) as Array<{ id: string; credentials_sealed: string }>;
}

describe('credentials at rest', () => {
  it('the connections table holds no plaintext secret, only AES-256-GCM sealed text', async () => {
    await db.dataSource.query(`DELETE FROM connections`);
    const { service } = await createEmulatorConnections(generateMasterKey());
    await service.close();
    const dump = JSON.stringify(await db.dataSource.query(`SELECT * FROM connections`));
    for (const secret of [...SANDBOX_SECRETS, 'junction-sandbox']) expect(dump).not.toContain(secret);
    for (const row of await sealedRows()) expect(row.credentials_sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
  });

  it('production refuses to start without JUNCTION_MASTER_KEY, naming it', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JUNCTION_MASTER_KEY is required when NODE_ENV=production/);
    expect(() => loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: 'too-short' })).toThrow(/JUNCTION_MASTER_KEY must be 32 bytes/);
    expect(loadConfig({ NODE_ENV: 'production', JUNCTION_MASTER_KEY: generateMasterKey() }).env).toBe('production');
  });

  it('rejects bad security settings with clear messages', () => {
    expect(() => loadConfig({ JUNCTION_CORS_ORIGINS: 'https://ok.example.com, not a url' })).toThrow(/JUNCTION_CORS_ORIGINS must be a comma-separated list of origins/);
    expect(() => loadConfig({ JUNCTION_MAX_QUERY_DEPTH: '1000' })).toThrow(/JUNCTION_MAX_QUERY_DEPTH must be between 2 and 100/);
    expect(loadConfig({ JUNCTION_CORS_ORIGINS: 'https://a.example.com,http://localhost:5173' }).security.corsOrigins).toEqual(['https://a.example.com', 'http://localhost:5173']);
    expect(loadConfig({}).security.corsOrigins).toEqual([]);
  });
});

describe('master key rotation', () => {
  it('re-seals every credential in one transaction: connections keep working, the old key opens nothing', async () => {
    await db.dataSource.query(`DELETE FROM connections`);
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const { service, ids } = await createEmulatorConnections(oldKey);
    await service.close();
    await expectConnectionsWork(oldKey, ids);
    const before = await sealedRows();

    expect(await rotateMasterKey(db.dataSource, oldKey, newKey)).toEqual({ rotated: ids.length, alreadyRotated: 0 });
    const after = await sealedRows();
    for (const [i, row] of after.entries()) expect(row.credentials_sealed).not.toBe(before[i]!.credentials_sealed);
    await expectConnectionsWork(newKey, ids);
    const old = new CredentialsCipher(oldKey);
    for (const row of after) expect(() => old.decrypt(row.credentials_sealed)).toThrow();
    // Running it again is harmless.
    expect(await rotateMasterKey(db.dataSource, oldKey, newKey)).toEqual({ rotated: 0, alreadyRotated: ids.length });
  });

  it('changes nothing when one credential opens with neither key', async () => {
    await db.dataSource.query(`DELETE FROM connections`);
    const oldKey = generateMasterKey();
    const { service, ids } = await createEmulatorConnections(oldKey);
    await service.close();
    await db.dataSource.query(`UPDATE connections SET credentials_sealed = $2 WHERE id = $1`, [ids[1], new CredentialsCipher(generateMasterKey()).encrypt(SANDBOX)]);
    const before = await sealedRows();
    await expect(rotateMasterKey(db.dataSource, oldKey, generateMasterKey())).rejects.toThrow(RotationError);
    expect(await sealedRows()).toEqual(before);
  });

  it.skipIf(inject('embeddedDatabase'))('`npm run rotate-master-key` rotates from the environment and prints no key it was given', async () => {
    await db.dataSource.query(`DELETE FROM connections`);
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    const { service, ids } = await createEmulatorConnections(oldKey);
    await service.close();
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'rotate-master-key'], {
      cwd: `${__dirname}/../..`,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: inject('databaseUrl'), JUNCTION_MASTER_KEY: oldKey, JUNCTION_NEW_MASTER_KEY: newKey, JUNCTION_DATA_DIR: '/nonexistent-junction-dir' },
      timeout: 60_000,
    });
    expect(stdout).toContain(`Re-encrypted ${ids.length} connection credential(s).`);
    expect(stdout).not.toContain(oldKey);
    expect(stdout).not.toContain(newKey);
    await expectConnectionsWork(newKey, ids);
  });
});

describe('the logger', () => {
  it('redacts tokens, keys, secrets and Authorization headers at any depth and in free text', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const key = 'jk_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg';
    const err = Object.assign(new Error(`refresh failed: {"refresh_token":"sandbox-refresh-token"} with Bearer ${key}`), {
      config: { headers: { Authorization: `Bearer ${key}` }, data: 'grant_type=refresh_token&refresh_token=sandbox-refresh-token&client_secret=sandbox-secret' },
    });
    logger.error({ err }, 'token refresh failed');
    logger.info({ req: { headers: { authorization: `Bearer ${key}` } }, credentials: SANDBOX }, `calling with ${key}`);
    logger.warn({ a: { b: { c: { d: { clientSecret: 'sandbox-secret', accessToken: 'tok-1234567890' } } } } }, 'deep');
    logger.info(`header Authorization: Bearer ${key} and apiKey: "${key}"`);
    expect(lines).toHaveLength(4);
    expectNoSecretsInLogs(lines, [key, 'tok-1234567890']);
    expect(lines.join('')).toContain('[redacted]');
    expect(lines[0]).toContain('token refresh failed');
  });
});
