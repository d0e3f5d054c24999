/**
 * The Salesforce SystemAdapter: a thin REST client of our own (no jsforce at runtime)
 * on the shared HttpTransport, so limits, retries and the 401 refresh are Junction's.
 */
import { SystemError } from '../errors';
import type { AdapterOptions, AdapterStats, ApiUsage, BulkOptions, BulkPage, ChangePage, ConnectionTestResult, ListOptions, OutboundRecord, SetupReport, SystemAdapter, TokenInfo, WriteResult } from '../system-api';
import { bulkExport } from './bulk-export';
import { bulkUpsertRecords } from './bulk-ingest';
import { SalesforceRest } from './client';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { listChanged } from './changes';
import { Describe, Limits, parseWire } from './types';
import { checkSalesforceSetup, provisionSalesforce } from './setup';
import { archiveRecords, upsertRecords } from './writes';

export class SalesforceAdapter implements SystemAdapter {
  readonly kind = 'SALESFORCE' as const;
  readonly apiVersion: string;
  /** SOQL naming a dropped field is refused: INVALID_FIELD. */
  readonly readsRefuseUnknownFields = true;
  /** Below this, composite collections (one call per 200) are quicker than a job's ~7 calls and polling. */
  readonly bulkIngestThreshold: number;
  private rest: SalesforceRest;

  constructor(options: AdapterOptions) {
    this.apiVersion = options.apiVersion ?? SALESFORCE_DESCRIPTOR.defaultApiVersion;
    this.bulkIngestThreshold = options.bulkIngestThreshold ?? 2_000;
    this.rest = new SalesforceRest(options, this.apiVersion);
  }

  get stats(): AdapterStats {
    return this.rest.transport.stats;
  }

  async testConnection(): Promise<ConnectionTestResult> {
    const started = performance.now();
    const latency = () => Math.round(performance.now() - started);
    try {
      await this.getUsage();
      return { ok: true, latencyMs: latency(), apiVersion: this.apiVersion };
    } catch (err) {
      const errorClass = err instanceof SystemError ? err.errorClass : 'UNKNOWN';
      return { ok: false, latencyMs: latency(), apiVersion: this.apiVersion, errorClass, message: (err as Error).message };
    }
  }

  /**
   * Daily API requests from `/limits`; every other answer's `Sforce-Limit-Info` keeps
   * `stats.lastUsage` current between calls. Salesforce's quota is a rolling 24 h, so no reset time.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm
   */
  async getUsage(): Promise<ApiUsage> {
    const answer = await this.rest.get('/limits');
    const { Max, Remaining } = parseWire(Limits, answer.body, 'limits').DailyApiRequests;
    const usage: ApiUsage = { used: Max - Remaining, limit: Max };
    this.stats.lastUsage = usage;
    return usage;
  }

  listChanged(remoteType: string, cursor: string | null, options: ListOptions): AsyncIterable<ChangePage> {
    return listChanged(this.rest, remoteType, cursor, options);
  }

  bulkExport(remoteType: string, options: BulkOptions): AsyncIterable<BulkPage> {
    return bulkExport(this.rest, remoteType, options);
  }

  /**
   * The object's field names from its describe.
   * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
   */
  async describeFields(remoteType: string): Promise<string[]> {
    const answer = await this.rest.get(`/sobjects/${encodeURIComponent(remoteType)}/describe`);
    return parseWire(Describe, answer.body, 'describe').fields.map((f) => f.name);
  }

  async describeFieldTypes(remoteType: string): Promise<Record<string, string>> {
    const answer = await this.rest.get(`/sobjects/${encodeURIComponent(remoteType)}/describe`);
    return Object.fromEntries(parseWire(Describe, answer.body, 'describe').fields.map((f) => [f.name, f.type]));
  }

  upsert(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
    return upsertRecords(this.rest, remoteType, records);
  }

  bulkUpsert(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
    return bulkUpsertRecords(this.rest, remoteType, records);
  }

  archive(_remoteType: string, remoteIds: string[]): Promise<WriteResult[]> {
    return archiveRecords(this.rest, remoteIds);
  }

  refreshToken(): Promise<TokenInfo> {
    return this.rest.transport.refreshToken();
  }

  checkSetup(): Promise<SetupReport> {
    return checkSalesforceSetup(this.rest);
  }

  provision(): Promise<SetupReport> {
    return provisionSalesforce(this.rest);
  }

  close(): Promise<void> {
    return this.rest.close();
  }
}

export const createSalesforceAdapter = (options: AdapterOptions): SystemAdapter => new SalesforceAdapter(options);
