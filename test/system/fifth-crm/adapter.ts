/** The Fifth adapter: the System API over the Fifth emulator's JSON, with fetch and nothing else. */
import { SystemError, type AdapterOptions, type AdapterStats, type BulkOptions, type BulkPage, type ChangePage, type ListOptions, type OutboundRecord, type RemoteFields, type RemoteRecord, type SystemAdapter, type TokenInfo, type WriteResult } from '../../../src/system';
import { classifyStatus } from '../../../src/system/errors';
import { FIFTH, TOKEN_PATH } from './descriptor';
import type { FifthRecord } from './emulator';

interface Page {
  records: FifthRecord[];
  cursor: string | null;
}

const PAGE = 100;

export class FifthAdapter implements SystemAdapter {
  readonly kind = FIFTH;
  readonly apiVersion = 'v1';
  readonly readsRefuseUnknownFields = false;
  readonly stats: AdapterStats = { apiCalls: 0, tokenRefreshes: 0 };
  private token: string | undefined;

  constructor(private options: AdapterOptions) {}

  async refreshToken(): Promise<TokenInfo> {
    const { clientId, clientSecret } = this.options.credentials;
    const answer = await this.send<{ access_token: string; expires_in: number }>('POST', TOKEN_PATH, { client_id: clientId, client_secret: clientSecret }, false);
    this.token = answer.access_token;
    this.stats.tokenRefreshes = (this.stats.tokenRefreshes ?? 0) + 1;
    const info = { accessToken: answer.access_token, expiresAt: new Date(Date.now() + answer.expires_in * 1000).toISOString() };
    this.stats.tokenExpiresAt = info.expiresAt;
    this.options.onToken?.(info);
    return info;
  }

  async testConnection() {
    const started = Date.now();
    try {
      await this.getUsage();
      return { ok: true, latencyMs: Date.now() - started, apiVersion: this.apiVersion };
    } catch (err) {
      const e = err as SystemError;
      return { ok: false, latencyMs: Date.now() - started, apiVersion: this.apiVersion, message: e.message, errorClass: e.errorClass };
    }
  }

  async getUsage() {
    await this.call('GET', '/v1/usage');
    return this.stats.lastUsage!;
  }

  async *listChanged(remoteType: string, cursor: string | null, options: ListOptions): AsyncIterable<ChangePage> {
    for (let after = cursor; ; ) {
      const page = await this.page(remoteType, after, options.pageSize);
      if (page.records.length > 0) yield { records: page.records.map((r) => remote(remoteType, r, options.fields)), cursor: page.cursor! };
      if (page.records.length < PAGE) return;
      after = page.cursor;
    }
  }

  async *bulkExport(remoteType: string, options: BulkOptions): AsyncIterable<BulkPage> {
    for (let after = options.resumeFrom ?? null; ; ) {
      const page = await this.page(remoteType, after, options.pageSize);
      const more = page.records.length === PAGE;
      yield { records: page.records.filter((r) => !r.archived).map((r) => remote(remoteType, r, options.fields)), ...(more ? { resume: page.cursor! } : {}) };
      if (!more) return;
      after = page.cursor;
    }
  }

  async describeFields(remoteType: string): Promise<string[]> {
    return (await this.call<{ fields: string[] }>('GET', `/v1/${remoteType}/fields`)).fields;
  }

  async upsert(remoteType: string, records: OutboundRecord[]): Promise<WriteResult[]> {
    const body = { records: records.map((r) => ({ id: r.remoteId, properties: { ...r.fields, junction_id: r.junctionId } })) };
    const { results } = await this.call<{ results: Array<{ id: string; created: boolean }> }>('POST', `/v1/${remoteType}/upsert`, body);
    return results.map((res, i) => ({ junctionId: records[i]!.junctionId, ok: true, remoteId: res.id, created: res.created }));
  }

  async archive(remoteType: string, remoteIds: string[]): Promise<WriteResult[]> {
    const { results } = await this.call<{ results: Array<{ id: string; ok: boolean }> }>('POST', `/v1/${remoteType}/archive`, { ids: remoteIds });
    return results.map((r) => ({ junctionId: r.id, ok: r.ok, remoteId: r.id }));
  }

  async close(): Promise<void> {}

  private page(remoteType: string, after: string | null, _pageSize?: number): Promise<Page> {
    return this.call<Page>('GET', `/v1/${remoteType}?limit=${PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  }

  /** A call with a token, taking a new one once when the CRM refuses the old. */
  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!this.token) await this.refreshToken();
    try {
      return await this.send<T>(method, path, body, true);
    } catch (err) {
      if (!(err instanceof SystemError) || err.errorClass !== 'AUTHENTICATION') throw err;
      await this.refreshToken();
      return this.send<T>(method, path, body, true);
    }
  }

  private async send<T>(method: string, path: string, body: unknown, authorized: boolean): Promise<T> {
    this.stats.apiCalls++;
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorized ? { authorization: `Bearer ${this.token}` } : {}) };
    const res = await fetch(`${this.options.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) }).catch((err: unknown) => {
      throw new SystemError('NETWORK', 'NETWORK', String(err), { endpoint: path });
    });
    const usage = res.headers.get('x-fifth-usage')?.split('/').map(Number);
    if (usage) this.stats.lastUsage = { used: usage[0]!, limit: usage[1]! };
    if (!res.ok) throw new SystemError(classifyStatus(res.status), `HTTP_${res.status}`, await res.text(), { status: res.status, endpoint: path });
    return (await res.json()) as T;
  }
}

function remote(remoteType: string, r: FifthRecord, fields: string[]): RemoteRecord {
  const picked: RemoteFields = Object.fromEntries(fields.filter((f) => Object.hasOwn(r.properties, f)).map((f) => [f, r.properties[f] ?? null]));
  return { remoteType, remoteId: r.id, modifiedAt: new Date(r.modifiedAt).toISOString(), deleted: r.archived, fields: picked };
}
