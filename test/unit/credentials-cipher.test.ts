import { describe, expect, it } from 'vitest';
import { CredentialsCipher, generateMasterKey } from '../../src/process/security/credentials-cipher';

describe('CredentialsCipher', () => {
  const cipher = new CredentialsCipher(generateMasterKey());
  const creds = { clientId: 'junction-sandbox', clientSecret: 'sandbox-secret', refreshToken: 'sandbox-refresh-token' };

  it('round-trips and never stores the plaintext', () => {
    const sealed = cipher.encrypt(creds);
    expect(sealed).not.toContain('sandbox-secret');
    expect(sealed).not.toContain('sandbox-refresh-token');
    expect(cipher.decrypt(sealed)).toEqual(creds);
  });

  it('uses a fresh IV each time', () => expect(cipher.encrypt(creds)).not.toBe(cipher.encrypt(creds)));

  it('detects tampering and the wrong key', () => {
    const sealed = cipher.encrypt(creds);
    const parts = sealed.split(':');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
    expect(() => new CredentialsCipher(generateMasterKey()).decrypt(sealed)).toThrow();
  });
});
