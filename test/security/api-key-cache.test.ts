/**
 * The verified-key cache: a key is looked up once per TTL, not per request, and revocation
 * still takes effect — at once through the revoking instance, and through another
 * instance's revoked-key sweep (`revokedAmong`), without waiting for the TTL.
 */
import { describe, expect, it } from 'vitest';
import { ApiKeyService } from '../../src/process/access';
import { countStatements as statements, useDatabase } from '../support/database';

const db = useDatabase();

describe('verified API keys are cached', () => {
  it('looks a key up once, then answers from the cache; an unknown key is asked every time', async () => {
    const service = new ApiKeyService(db.dataSource, { verifiedTtlMs: 60_000 });
    const { key, apiKey } = await service.create('cached', 'VIEWER');
    expect(await service.verify(key)).toEqual({ id: apiKey.id, role: 'VIEWER' });
    expect(await statements(() => service.verify(key))).toBe(0);
    expect(await service.verify(key)).toEqual({ id: apiKey.id, role: 'VIEWER' });
    const unknown = `jk_${'x'.repeat(43)}`;
    expect(await statements(() => service.verify(unknown))).toBe(1);
    expect(await statements(() => service.verify(unknown))).toBe(1);
  });

  it('forgets a key revoked through the same instance at once', async () => {
    const service = new ApiKeyService(db.dataSource, { verifiedTtlMs: 60_000 });
    const { key, apiKey } = await service.create('revoked here', 'OPERATOR');
    expect(await service.verify(key)).not.toBeNull();
    await service.revoke(apiKey.id);
    expect(await service.verify(key)).toBeNull();
  });

  it('forgets a key another instance revoked once its sweep sees the revocation', async () => {
    const here = new ApiKeyService(db.dataSource, { verifiedTtlMs: 60_000 });
    const elsewhere = new ApiKeyService(db.dataSource, { verifiedTtlMs: 60_000 });
    const { key, apiKey } = await here.create('revoked elsewhere', 'ADMIN');
    expect(await here.verify(key)).not.toBeNull();
    await elsewhere.revoke(apiKey.id);
    // Within the TTL and before the sweep this instance still trusts its cache…
    expect(await here.verify(key)).not.toBeNull();
    // …and the sweep that closes the key's sockets also drops it from the cache.
    expect(await here.revokedAmong([apiKey.id])).toEqual([apiKey.id]);
    expect(await here.verify(key)).toBeNull();
  });

  it('with the cache off asks the database on every call', async () => {
    const service = new ApiKeyService(db.dataSource, { verifiedTtlMs: 0 });
    const { key } = await service.create('uncached', 'VIEWER');
    await service.verify(key);
    expect(await statements(() => service.verify(key))).toBeGreaterThanOrEqual(1);
  });
});
