/**
 * The log grep every file of this suite ends with: no line its server wrote may carry a
 * key, token or secret — the sandbox credentials, any API key issued during the file, any
 * bearer token, or a master key.
 */
import { expect } from 'vitest';

export const SANDBOX_SECRETS = ['sandbox-secret', 'sandbox-refresh-token'];

export function expectNoSecretsInLogs(lines: readonly string[], issuedSecrets: Iterable<string>): void {
  const secrets = [...SANDBOX_SECRETS, ...issuedSecrets].filter((s) => s.length >= 8);
  for (const [i, line] of lines.entries()) {
    for (const secret of secrets) expect(line.includes(secret), `log line ${i} carries a secret: ${line.slice(0, 200)}`).toBe(false);
    // Key material without its prefix too (a key is `jk_` + 43 characters).
    for (const secret of secrets) if (secret.startsWith('jk_')) expect(line.includes(secret.slice(3, 20)), `log line ${i} carries part of a key`).toBe(false);
    expect(line, `log line ${i} carries a bearer token`).not.toMatch(/Bearer\s+(?!\[redacted\])\S{8,}/i);
    expect(line, `log line ${i} carries an API key`).not.toMatch(/jk_[A-Za-z0-9_-]{20,}/);
  }
}
