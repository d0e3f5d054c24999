/** The Dynamics 365 SystemAdapter: the Dataverse Web API over our own thin client (client.ts). */
import { SystemError } from '../errors';
import type {
  AdapterOptions,
  AdapterStats,
  ApiUsage,
  BulkOptions,
  BulkPage,
  ChangePage,
  ConnectionTestResult,
  ListOptions,
  OutboundRecord,
  SetupReport, SystemAdapter,
  TokenInfo,
  WriteResult,
} from '../system-api';
import { exportAll, listChanges } from './changes';
import { DataverseClient } from './client';
import { checkDataverseSetup, provisionDataverse } from './setup';
import { DATAVERSE_ENTITIES, DATAVERSE_LIMITS, DYNAMICS_DESCRIPTOR, type SyncedEntitySet } from './descriptor';
import { deleteRecords, upsertRecords } from './writes';

export class DynamicsAdapter implements SystemAdapter {
  readonly kind = 'DYNAMICS' as const;
  readonly apiVersion: string;
  /** An OData $select naming a dropped attribute is refused: "Could not find a property named …". */
  readonly readsRefuseUnknownFields = true;
  private client: DataverseClient;

  constructor(options: AdapterOptions) {
    this.apiVersion = (options.apiVersion ?? DYNAMICS_DESCRIPTOR.defaultApiVersion).replace(/^v/, '');
    this.client = new DataverseClient(options, this.apiVersion);
  }

  get stats(): AdapterStats {
    return this.client.stats;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    try {
      await this.client.whoAmI();
      return { ok: true, latencyMs: Math.round(performance.now() - started), apiVersion: this.apiVersion };
    } catch (err) {
      const errorClass = err instanceof SystemError ? err.errorClass : 'UNKNOWN';
      return { ok: false, latencyMs: Math.round(performance.now() - started), apiVersion: this.apiVersion, message: (err as Error).message, errorClass };
    }
  }

  /**
   * Dataverse reports no daily usage; the service-protection headers say how many of the
   * 6,000 requests of the current 5-minute window are left, and that is what is reported.
   */
  async getUsage(): Promise<ApiUsage> {
    if (!this.stats.lastUsage) await this.client.whoAmI();
    return this.stats.lastUsage ?? { used: 0, limit: DATAVERSE_LIMITS.windowRequests };
  }

  listChanged(remoteType: string, cursor: string | null, options: ListOptions): AsyncIterable<ChangePage> {
    return listChanges(this.client, entitySetOf(remoteType), cursor, options);
  }

  bulkExport(remoteType: string, options: BulkOptions): AsyncIterable<BulkPage> {
    return exportAll(this.client, entitySetOf(remoteType), options);
  }

  upsert(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
    return upsertRecords(this.client, entitySetOf(remoteType), records);
  }

  /** Dataverse has no archive or recycle bin here: archive deletes the rows. */
  archive(remoteType: string, remoteIds: string[]): Promise<WriteResult[]> {
    return deleteRecords(this.client, entitySetOf(remoteType), remoteIds);
  }

  /** Client credentials have no refresh token: a "refresh" is a new client-credentials grant. */
  describeFields(remoteType: string): Promise<string[]> {
    return this.client.attributeNames(DATAVERSE_ENTITIES[entitySetOf(remoteType)].logicalName);
  }

  describeFieldTypes(remoteType: string): Promise<Record<string, string>> {
    return this.client.attributeTypes(DATAVERSE_ENTITIES[entitySetOf(remoteType)].logicalName);
  }

  refreshToken(): Promise<TokenInfo> {
    return this.client.refreshToken();
  }

  checkSetup(): Promise<SetupReport> {
    return checkDataverseSetup(this.client);
  }

  provision(): Promise<SetupReport> {
    return provisionDataverse(this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function entitySetOf(remoteType: string): SyncedEntitySet {
  if (remoteType === 'contacts' || remoteType === 'accounts') return remoteType;
  throw new SystemError('VALIDATION', 'UNKNOWN_OBJECT', `Dynamics has no entity set ${remoteType} here (contacts, accounts)`);
}
