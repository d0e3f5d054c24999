/** The HubSpot SystemAdapter: CRM v3 objects over our own thin client (client.ts). */
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
import { listChanges, requestedProperties } from './changes';
import { HubspotClient } from './client';
import { checkHubspotSetup, provisionHubspot } from './setup';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_LIMITS, HUBSPOT_OBJECTS, resolveObject, type HubspotObject } from './descriptor';
import { normalize } from './normalize';
import { archiveRecords, upsertRecords } from './writes';

export class HubspotAdapter implements SystemAdapter {
  readonly kind = 'HUBSPOT' as const;
  readonly apiVersion: string;
  /** A deleted property asked for is left out of the records, not refused. */
  readonly readsRefuseUnknownFields = false;
  private client: HubspotClient;

  constructor(options: AdapterOptions) {
    // Only v3 object paths exist in this client; the version is reported, not switched on.
    this.apiVersion = options.apiVersion ?? HUBSPOT_DESCRIPTOR.defaultApiVersion;
    this.client = new HubspotClient(options);
  }

  get stats(): AdapterStats {
    return this.client.stats;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    try {
      await this.client.listPage('contacts', { limit: 1, properties: ['hs_object_id'] });
      return { ok: true, latencyMs: Math.round(performance.now() - started), apiVersion: this.apiVersion };
    } catch (err) {
      const errorClass = err instanceof SystemError ? err.errorClass : 'UNKNOWN';
      return { ok: false, latencyMs: Math.round(performance.now() - started), apiVersion: this.apiVersion, message: (err as Error).message, errorClass };
    }
  }

  /**
   * From X-HubSpot-RateLimit-Daily(-Remaining), seen on every non-search answer; one cheap
   * GET when none has been seen yet. OAuth apps get no daily headers (and have no daily
   * limit): then usage is reported as 0 of 0.
   */
  async getUsage(): Promise<ApiUsage> {
    if (!this.stats.lastUsage) await this.client.listPage('contacts', { limit: 1, properties: ['hs_object_id'] });
    return this.stats.lastUsage ?? { used: 0, limit: 0 };
  }

  listChanged(remoteType: string, cursor: string | null, options: ListOptions): AsyncIterable<ChangePage> {
    return listChanges(this.client, objectOf(remoteType), cursor, options);
  }

  /** The list endpoint page by page; a page's resume token is the `after` of the next one (HubSpot's paging cursor keeps no server state). */
  async *bulkExport(remoteType: string, options: BulkOptions): AsyncIterable<BulkPage> {
    const object = objectOf(remoteType);
    const properties = requestedProperties(object, options.fields);
    const limit = Math.max(1, Math.min(options.pageSize ?? HUBSPOT_LIMITS.listPage, HUBSPOT_LIMITS.listPage));
    if (options.resumeFrom !== undefined && !/^[\x21-\x7e]{1,512}$/.test(options.resumeFrom))
      throw new SystemError('VALIDATION', 'INVALID_RESUME_TOKEN', 'a HubSpot bulk export resumes from a list page `after` value');
    let after = options.resumeFrom;
    do {
      const page = await this.client.listPage(object, { limit, after, properties });
      after = page.nextAfter;
      yield { records: page.results.map((wire) => normalize(object, HUBSPOT_OBJECTS[object].stampProperty, wire).record), resume: after };
    } while (after);
  }

  describeFields(remoteType: string): Promise<string[]> {
    return this.client.propertyNames(objectOf(remoteType));
  }

  describeFieldTypes(remoteType: string): Promise<Record<string, string>> {
    return this.client.propertyTypes(objectOf(remoteType));
  }

  upsert(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
    return upsertRecords(this.client, objectOf(remoteType), records);
  }

  archive(remoteType: string, remoteIds: string[]): Promise<WriteResult[]> {
    return archiveRecords(this.client, objectOf(remoteType), remoteIds);
  }

  refreshToken(): Promise<TokenInfo> {
    return this.client.refreshToken();
  }

  checkSetup(): Promise<SetupReport> {
    return checkHubspotSetup(this.client);
  }

  provision(): Promise<SetupReport> {
    return provisionHubspot(this.client);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

function objectOf(remoteType: string): HubspotObject {
  const object = resolveObject(remoteType);
  if (!object) throw new SystemError('VALIDATION', 'UNKNOWN_OBJECT', `HubSpot has no object ${remoteType} here (contacts, companies)`);
  return object;
}
