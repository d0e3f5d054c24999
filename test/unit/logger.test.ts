import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, scrubSecrets } from '../../src/logger';

describe('log redaction', () => {
  it('redacts secrets in objects and free text', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, cb) => (lines.push(String(chunk)), cb()) });
    const log = createLogger('info', sink);
    log.info({ req: { headers: { authorization: 'Bearer jk_abcdefghijklmnop' } }, credentials: { clientSecret: 's3cret' }, accessToken: 'tok-123' }, 'calling with Bearer abc.def.ghi');
    log.info({ detail: 'refresh_token=sandbox-refresh-token&client_secret=sandbox-secret' }, 'token refresh');
    const out = lines.join('');
    for (const secret of ['jk_abcdefghijklmnop', 's3cret', 'tok-123', 'abc.def.ghi', 'sandbox-refresh-token', 'sandbox-secret']) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
  });

  it('scrubs bearer tokens and keys from messages', () => {
    expect(scrubSecrets('Authorization: Bearer eyJhbGciOi.x.y failed')).toBe('Authorization: Bearer [redacted] failed');
    expect(scrubSecrets('key jk_0123456789abcdef was revoked')).toBe('key jk_[redacted] was revoked');
  });

  it('scrubs pasted private keys and HubSpot private-app tokens (JWT bearer and private-app credentials)', () => {
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
    expect(scrubSecrets(`bad key ${pem} given`)).toBe('bad key [redacted private key] given');
    expect(scrubSecrets('token pat-na1-0f1e2d3c-aaaa-bbbb refused')).toBe('token pat-[redacted] refused');
  });
});
