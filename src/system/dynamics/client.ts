/**
 * A thin Dataverse Web API client on the shared HttpTransport (limiter, timeout, retry,
 * one refresh+replay on 401). Every call carries the OData headers Dataverse asks for.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 */
import { randomUUID } from 'node:crypto';
import { SystemError } from '../errors';
import type { AdapterOptions, AdapterStats, ConnectionCredentials, TokenInfo } from '../system-api';
import { defaultHostPolicy, isLoopbackHost } from '../transport/host-policy';
import { createLimiter } from '../transport/limiter';
import { authorityPolicyFor } from '../crm-hosts';
import { DYNAMICS_DESCRIPTOR } from './descriptor';
import { HttpTransport } from '../transport/http-transport';
import { readBatchResponse, writeBatchRequest, type BatchEntry, type BatchPartRequest, type BatchPartResponse } from './multipart';
import { parseCollection, type CollectionPage } from './types';
import { createDataverseWire } from './wire';

/**
 * The credentials' authority, else Entra ID's public cloud (the descriptor's default). An org
 * URL on loopback is an emulator, which is its own authority: connections made before
 * `authorityUrl` existed keep working.
 */
function authorityOf(credentials: ConnectionCredentials, baseUrl: string): string {
  if (credentials.authorityUrl) return credentials.authorityUrl.replace(/\/+$/, '');
  if (isLoopbackHost(new URL(baseUrl).hostname)) return baseUrl;
  return DYNAMICS_DESCRIPTOR.credentials.authorityUrl ?? 'https://login.microsoftonline.com';
}

const ODATA = { 'OData-MaxVersion': '4.0', 'OData-Version': '4.0', 'If-None-Match': 'null' } as const;

export interface PageRequest {
  maxPageSize: number;
  trackChanges?: boolean;
}

export class DataverseClient {
  private transport: HttpTransport;
  /** `/api/data/v9.2/`: collection paths and links are relative to it. */
  readonly dataRoot: string;

  constructor(options: AdapterOptions, apiVersion: string) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.dataRoot = `/api/data/v${apiVersion}/`;
    const hostPolicy = options.hostPolicy ?? defaultHostPolicy(DYNAMICS_DESCRIPTOR.hostFamily);
    this.transport = new HttpTransport({
      baseUrl,
      limiter: createLimiter(options.limiter),
      hostPolicy,
      // Tokens come from Entra ID ({authorityUrl}/{tenant}/oauth2/v2.0/token) for the org's `/.default`
      // scope; the emulator serves the authority paths too (authorityOf).
      wire: createDataverseWire({
        authorityUrl: authorityOf(options.credentials, baseUrl),
        resourceUrl: baseUrl,
        credentials: options.credentials,
        timeoutMs: options.timeoutMs,
        hostPolicy: authorityPolicyFor('DYNAMICS', hostPolicy),
      }),
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      onToken: options.onToken,
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
   * The cheapest authenticated call there is.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/reference/whoami
   */
  async whoAmI(): Promise<void> {
    await this.transport.request({ method: 'GET', url: `${this.dataRoot}WhoAmI`, headers: { ...ODATA } });
  }

  /**
   * One page of a collection: a query, a nextLink, or a deltaLink (absolute links are
   * reduced to their path, so they always go to the configured base URL).
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results
   * https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
   */
  async page(pathOrLink: string, request: PageRequest): Promise<CollectionPage> {
    const prefer = [`odata.maxpagesize=${request.maxPageSize}`, ...(request.trackChanges ? ['odata.track-changes'] : [])].join(',');
    const res = await this.transport.request({ method: 'GET', url: this.relative(pathOrLink), headers: { ...ODATA, Prefer: prefer } });
    return parseCollection(res.body);
  }

  /**
   * A table's column names from its attribute metadata. A lookup is read as `_<name>_value`,
   * so both spellings are listed for lookups.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query-metadata-web-api
   */
  async attributeNames(logicalName: string): Promise<string[]> {
    return Object.keys(await this.attributeTypes(logicalName));
  }

  /** Each attribute's metadata type (`String`, `Picklist`, `DateTime`, `Lookup`, …), a lookup's `_…_value` read name included. */
  async attributeTypes(logicalName: string): Promise<Record<string, string>> {
    const res = await this.transport.request({
      method: 'GET',
      url: `${this.dataRoot}EntityDefinitions(LogicalName='${logicalName}')/Attributes?$select=LogicalName`,
      headers: { ...ODATA },
    });
    const value = (res.body as { value?: unknown } | null)?.value;
    if (!Array.isArray(value)) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `unexpected attribute metadata for ${logicalName} from Dataverse`);
    const types: Record<string, string> = {};
    for (const a of value as Array<Record<string, unknown>>) {
      if (typeof a?.LogicalName !== 'string') continue;
      const type = /([A-Za-z]+)AttributeMetadata$/.exec(String(a['@odata.type'] ?? ''))?.[1] ?? 'unknown';
      types[a.LogicalName] = type;
      if (type === 'Lookup') types[`_${a.LogicalName}_value`] = type;
    }
    return types;
  }

  /**
   * POST $batch; the answer's parts in order (change sets flattened).
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
   */
  async batch(entries: BatchEntry<BatchPartRequest>[]): Promise<BatchPartResponse[]> {
    const request = writeBatchRequest(entries, randomUUID());
    // Every part the adapter sends is an idempotent PATCH-by-key or DELETE, so a replay is safe.
    const res = await this.transport.request<unknown>({
      method: 'POST',
      url: `${this.dataRoot}$batch`,
      rawBody: request.body,
      contentType: request.contentType,
      headers: { ...ODATA },
      idempotent: true,
    });
    if (typeof res.body !== 'string') throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', 'Dataverse answered $batch without a multipart body');
    try {
      return readBatchResponse(res.body, res.headers.get('content-type'));
    } catch (err) {
      throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', `Dataverse $batch answer did not parse: ${(err as Error).message}`);
    }
  }

  /**
   * A metadata call under `EntityDefinitions(…)` (create a column or a key, list keys); the answer's body and headers.
   * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/create-update-column-definitions-using-web-api
   */
  async metadata(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ body: unknown; headers: Headers }> {
    const res = await this.transport.request({ method, url: `${this.dataRoot}${path}`, body, headers: { ...ODATA }, idempotent: method === 'GET' });
    return { body: res.body, headers: res.headers };
  }

  /** A link or path as a path under the base URL. */
  relative(pathOrLink: string): string {
    if (!/^https?:\/\//.test(pathOrLink)) return pathOrLink.startsWith('/') ? pathOrLink : this.dataRoot + pathOrLink;
    const url = new URL(pathOrLink);
    return url.pathname + url.search;
  }
}
