/**
 * A thin HubSpot CRM v3 client on the shared HttpTransport (limiter, timeout, retry,
 * one refresh+replay on 401). Tokens are also refreshed ahead of expiry, as HubSpot asks.
 */
import type { AdapterOptions, AdapterStats, TokenInfo } from '../system-api';
import { defaultHostPolicy } from '../transport/host-policy';
import { createLimiter } from '../transport/limiter';
import { HttpTransport, type HttpAnswer, type RequestSpec } from '../transport/http-transport';
import { HUBSPOT_DESCRIPTOR, type HubspotObject } from './descriptor';
import { parseBatchAnswer, parseListPage, parsePropertyNames, parsePropertyTypes, parseSearchPage, type BatchAnswer, type ListPage, type SearchPage } from './types';
import { createHubspotWire } from './wire';

/** HubSpot: refresh shortly before expiry; a minute for 30-minute tokens, less for short test TTLs. */
const REFRESH_MARGIN_MS = 60_000;

export interface SearchBody {
  filterGroups: Array<{ filters: Array<{ propertyName: string; operator: string; value?: string; values?: string[] }> }>;
  sorts: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>;
  properties: string[];
  limit: number;
  after?: string;
}

export interface BatchWriteInput {
  id: string;
  idProperty?: string;
  properties: Record<string, string | null>;
  objectWriteTraceId: string;
}

export class HubspotClient {
  private transport: HttpTransport;
  private tokenLifetimeMs = 0;

  constructor(options: AdapterOptions) {
    const hostPolicy = options.hostPolicy ?? defaultHostPolicy(HUBSPOT_DESCRIPTOR.hostFamily);
    this.transport = new HttpTransport({
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      limiter: createLimiter(options.limiter),
      hostPolicy,
      wire: createHubspotWire({ baseUrl: options.baseUrl.replace(/\/+$/, ''), credentials: options.credentials, timeoutMs: options.timeoutMs, hostPolicy }),
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      onToken: (token: TokenInfo) => {
        // A private-app token never expires, so it is never refreshed early.
        this.tokenLifetimeMs = token.expiresAt ? Date.parse(token.expiresAt) - Date.now() : 0;
        options.onToken?.(token);
      },
      onCallFailure: options.onCallFailure,
    });
  }

  get stats(): AdapterStats {
    return this.transport.stats;
  }

  refreshToken(): Promise<TokenInfo> {
    return this.transport.refreshToken();
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /**
   * Search (POST), no rate-limit headers in the answer.
   * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
   */
  async search(object: HubspotObject, body: SearchBody): Promise<SearchPage> {
    const res = await this.call({ method: 'POST', url: `/crm/v3/objects/${object}/search`, body, idempotent: true });
    return parseSearchPage(res.body);
  }

  /**
   * List a page of records (archived=true lists the recycle bin).
   * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/basic/get-crm-v3-objects-contacts
   */
  async listPage(object: HubspotObject, page: { limit: number; after?: string; properties: string[]; archived?: boolean }): Promise<ListPage> {
    const query = new URLSearchParams({ limit: String(page.limit), archived: String(page.archived ?? false) });
    if (page.after) query.set('after', page.after);
    for (const p of page.properties) query.append('properties', p);
    const res = await this.call({ method: 'GET', url: `/crm/v3/objects/${object}?${query}` });
    return parseListPage(res.body);
  }

  /**
   * Update by id; 200, or 207 with per-input errors.
   * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/post-crm-v3-objects-contacts-batch-update
   */
  async batchUpdate(object: HubspotObject, inputs: BatchWriteInput[]): Promise<BatchAnswer> {
    const res = await this.call({ method: 'POST', url: `/crm/v3/objects/${object}/batch/update`, body: { inputs }, idempotent: true });
    return parseBatchAnswer(res.body);
  }

  /**
   * Create-or-update on a unique property; replaying it creates nothing new.
   * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
   */
  async batchUpsert(object: HubspotObject, inputs: BatchWriteInput[]): Promise<BatchAnswer> {
    const res = await this.call({ method: 'POST', url: `/crm/v3/objects/${object}/batch/upsert`, body: { inputs }, idempotent: true });
    return parseBatchAnswer(res.body);
  }

  /**
   * Archive (soft delete) by id; 204.
   * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/post-crm-v3-objects-contacts-batch-archive
   */
  async batchArchive(object: HubspotObject, ids: string[]): Promise<void> {
    await this.call({ method: 'POST', url: `/crm/v3/objects/${object}/batch/archive`, body: { inputs: ids.map((id) => ({ id })) }, idempotent: true });
  }

  /**
   * The object's property names (archived ones are not listed).
   * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/get-crm-v3-properties-objectType
   */
  async propertyNames(object: HubspotObject): Promise<string[]> {
    const res = await this.call({ method: 'GET', url: `/crm/v3/properties/${object}?archived=false` });
    return parsePropertyNames(res.body);
  }

  async propertyTypes(object: HubspotObject): Promise<Record<string, string>> {
    const res = await this.call({ method: 'GET', url: `/crm/v3/properties/${object}?archived=false` });
    return parsePropertyTypes(res.body);
  }

  /** The object's property definitions as the Properties API answers them (the setup check reads their flags). */
  async propertyDefinitions(object: HubspotObject): Promise<unknown> {
    return (await this.call({ method: 'GET', url: `/crm/v3/properties/${object}?archived=false` })).body;
  }

  /**
   * Creates a custom property; 201, or 409 when the name exists.
   * https://developers.hubspot.com/docs/api-reference/crm-properties-v3/core/post-crm-v3-properties-objectType
   */
  async createProperty(object: HubspotObject, definition: Record<string, unknown>): Promise<void> {
    await this.call({ method: 'POST', url: `/crm/v3/properties/${object}`, body: definition, idempotent: false });
  }

  private async call<T = unknown>(spec: RequestSpec): Promise<HttpAnswer<T>> {
    const expiresAt = this.stats.tokenExpiresAt;
    if (expiresAt) {
      const margin = Math.min(REFRESH_MARGIN_MS, this.tokenLifetimeMs / 10);
      // A failed early refresh is not fatal: the old token may still work, and the
      // transport refreshes (once) on a 401 anyway.
      if (Date.parse(expiresAt) - margin <= Date.now()) await this.transport.refreshToken().catch(() => undefined);
    }
    return this.transport.request<T>(spec);
  }
}
