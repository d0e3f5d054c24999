/**
 * `npm run audit` without a running server to ask: opens the store itself, records the audit
 * in the history (trigger CLI) and runs it in this process. With the embedded store that only
 * works while no Junction holds it: opening it then fails with EmbeddedStoreHeldError, which
 * the script turns into the advice to ask the server instead. With PostgreSQL a second process
 * is fine, but not a second audit: while one is queued or running, AuditBusyError.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JunctionConfig } from '../../config';
import { ConnectionService } from '../connections/connection.service';
import { CredentialsCipher } from '../security/credentials-cipher';
import { liveAudit, queueAudit } from '../store/audit/audit-report.repository';
import { openDatabase } from '../store/database';
import type { StoredAuditRun } from '../stored';
import { executeAudit } from './audit-worker';
import { AuditService, type AuditReport } from './audit.service';

export class AuditBusyError extends Error {
  override readonly name = 'AuditBusyError';
  constructor(readonly live: StoredAuditRun) {
    super(`audit ${live.id} is ${live.status.toLowerCase()} already (one at a time); wait for it, or ask the server running it (JUNCTION_API_URL)`);
  }
}

export async function runLocalAudit(config: JunctionConfig): Promise<{ id: string; report: AuditReport }> {
  const keyFile = join(config.dataDir, 'master.key');
  const masterKey = config.masterKey ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!masterKey) throw new Error(`no master key: set JUNCTION_MASTER_KEY or run from the folder holding ${keyFile}`);
  const database = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir });
  const connections = new ConnectionService(database.dataSource, new CredentialsCipher(masterKey), { redisUrl: config.redisUrl });
  try {
    const queued = await queueAudit(database.dataSource, { trigger: 'CLI' });
    if (!queued) {
      const live = await liveAudit(database.dataSource);
      if (live) throw new AuditBusyError(live);
      throw new Error('could not record the audit');
    }
    const report = await executeAudit(database.dataSource, new AuditService(database.dataSource, connections), queued.id);
    if (!report) throw new Error(`audit ${queued.id} was taken by another process`);
    return { id: queued.id, report };
  } finally {
    await connections.close();
    await database.close();
  }
}
