/** What every resolver receives: the caller, per-request loaders and the services. */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ApiKeyService, ConnectionService, ConsentService, DataQualityServices, ErrorLogQueries, Principal, ReadQueries, RecordCommands, SyncRunService } from '../process';
import type { FieldMappingService } from '../process';
import { createLoaders, type Loaders } from './loaders';
import type { MonitoringServices } from './monitoring/monitoring.services';

/** What the API asks of connections (custom fields only where the deployment can set them). */
export type ConnectionCommands = Pick<ConnectionService, 'create' | 'test' | 'update' | 'pause' | 'resume' | 'delete' | 'setup' | 'provision'> & Partial<Pick<ConnectionService, 'setCustomFields'>>;

/** Field mappings as versioned data and the data dictionary (absent where the deployment cannot read CRMs). */
export type FieldMappingCommands = Pick<FieldMappingService, 'current' | 'set' | 'rollback' | 'history' | 'dictionary'>;

/** The commands the API calls; narrow so tests and other processes can supply their own. */
export interface ExperienceServices {
  queries: ReadQueries;
  connections: ConnectionCommands;
  records: Pick<RecordCommands, 'verifyField' | 'setFieldOwner' | 'deleteContact' | 'restoreContact'>;
  syncRuns: Pick<SyncRunService, 'trigger' | 'cancel'>;
  quality: DataQualityServices;
  apiKeys: Pick<ApiKeyService, 'verify'>;
  monitoring: MonitoringServices;
  errorLog: Pick<ErrorLogQueries, 'page' | 'count'>;
  mappings?: FieldMappingCommands;
  /** Connecting a CRM by OAuth consent (startConnect and /oauth/callback); absent where the deployment offers none. */
  consent?: Pick<ConsentService, 'start' | 'finish'>;
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
