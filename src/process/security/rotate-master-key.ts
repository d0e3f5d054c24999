/**
 * Master-key rotation (SPEC §4): every sealed credential is opened with the old key and
 * sealed again under the new one, in one transaction — a failure leaves every row as it
 * was. Rows already sealed under the new key are left alone, so an interrupted or repeated
 * rotation can simply be run again.
 */
import type { DataSource } from 'typeorm';
import { lockSealedCredentials, replaceSealedCredentials } from '../store/ops/credential-rotation.repository';
import { CredentialsCipher } from './credentials-cipher';

export interface RotationResult {
  rotated: number;
  alreadyRotated: number;
}

export class RotationError extends Error {
  override readonly name = 'RotationError';
}

export async function rotateMasterKey(db: DataSource, oldKey: string, newKey: string): Promise<RotationResult> {
  const oldCipher = new CredentialsCipher(oldKey);
  const newCipher = new CredentialsCipher(newKey);
  return db.transaction(async (tx) => {
    // Live connections only: a deleted connection's credentials are erased.
    const rows = await lockSealedCredentials(tx);
    let rotated = 0;
    let alreadyRotated = 0;
    for (const row of rows) {
      const plain = openWith(oldCipher, row.sealed);
      if (plain === undefined) {
        if (openWith(newCipher, row.sealed) !== undefined) {
          alreadyRotated++;
          continue;
        }
        // Names the connection, never the key or the credentials.
        throw new RotationError(`the credentials of connection "${row.connectionName}" (${row.connectionId}) open with neither the old nor the new key; nothing was changed`);
      }
      await replaceSealedCredentials(tx, row.connectionId, newCipher.encrypt(plain));
      rotated++;
    }
    return { rotated, alreadyRotated };
  });
}

function openWith(cipher: CredentialsCipher, sealed: string): unknown {
  try {
    return cipher.decrypt<unknown>(sealed);
  } catch {
    return undefined;
  }
}
