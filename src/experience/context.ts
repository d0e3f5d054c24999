/** What every resolver receives: the caller, per-request loaders and the services. */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ApiKeyService, Principal } from '../process/access';
import type { ConnectionService } from '../process/connections/connection.service';
import type { ReadQueries } from '../process/queries';
import type { SyncRunService } from '../process/sync/sync-run.service';
import { createLoaders, type Loaders } from './loaders';

/** The commands the API calls; narrow so tests and other processes can supply their own. */
export interface ExperienceServices {
  queries: ReadQueries;
  connections: Pick<ConnectionService, 'create'>;
  syncRuns: Pick<SyncRunService, 'trigger'>;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  logger: Logger;
}

export interface JunctionContext {
  principal: Principal | null;
  requestId: string;
  loaders: Loaders;
  services: ExperienceServices;
  /** Called by the auth checker when a protected field is asked for without a key. */
  noteMissingKey(): void;
}

export function createContext(
  services: ExperienceServices,
  principal: Principal | null,
  options: { cacheLoaders: boolean; onMissingKey: () => void },
): JunctionContext {
  let noted = false;
  return {
    principal,
    requestId: randomUUID(),
    loaders: createLoaders(services.queries, { cache: options.cacheLoaders }),
    services,
    noteMissingKey() {
      // Once per request, however many protected fields it asked for.
      if (noted) return;
      noted = true;
      options.onMissingKey();
    },
  };
}
