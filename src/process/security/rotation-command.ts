/**
 * `npm run rotate-master-key`: where the old and new keys come from, and what happens to
 * the local key file. Old key: JUNCTION_MASTER_KEY, else (outside production) the key
 * file `$JUNCTION_DATA_DIR/master.key` that `npm start` generated. New key:
 * JUNCTION_NEW_MASTER_KEY, else one generated with `--generate`. When the old key came
 * from the key file, the file is rewritten with the new key after the commit, so the next
 * `npm start` opens the credentials.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JunctionConfig } from '../../config';
import { openDatabase } from '../store/database';
import { generateMasterKey } from './credentials-cipher';
import { rotateMasterKey, RotationError, type RotationResult } from './rotate-master-key';

export interface RotationOutcome extends RotationResult {
  /** Set when the key was generated here: print it once, it is needed to start Junction. */
  generatedKey?: string;
  keyFileUpdated: boolean;
}

type RotationConfig = Pick<JunctionConfig, 'env' | 'masterKey' | 'newMasterKey' | 'dataDir' | 'database'>;

export async function runMasterKeyRotation(config: RotationConfig, options: { generate: boolean }): Promise<RotationOutcome> {
  const keyFile = join(config.dataDir, 'master.key');
  const fromFile = !config.masterKey && config.env !== 'production' && existsSync(keyFile);
  const oldKey = config.masterKey ?? (fromFile ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!oldKey) throw new RotationError(`no current key: set JUNCTION_MASTER_KEY (or keep ${keyFile} outside production)`);
  const generatedKey = !config.newMasterKey && options.generate ? generateMasterKey() : undefined;
  const newKey = config.newMasterKey ?? generatedKey;
  if (!newKey) throw new RotationError('no new key: set JUNCTION_NEW_MASTER_KEY, or pass --generate to have one made');
  if (newKey === oldKey) throw new RotationError('the new key is the current key');

  const database = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir });
  let result: RotationResult;
  try {
    result = await rotateMasterKey(database.dataSource, oldKey, newKey);
  } finally {
    await database.close();
  }
  if (fromFile) writeFileSync(keyFile, newKey, { mode: 0o600 });
  return { ...result, generatedKey, keyFileUpdated: fromFile };
}
