/**
 * A thin REST client over HttpTransport: keeps the session's `instance_url` (Salesforce
 * may move an org to another host) and builds `/services/data/vNN.N` URLs from it.
 */
import type { AdapterOptions } from '../system-api';
import { HttpTransport, type HttpAnswer, type RequestSpec } from '../transport/http-transport';
import { defaultHostPolicy } from '../transport/host-policy';
import { createLimiter } from '../transport/limiter';
import { SALESFORCE_DESCRIPTOR } from './descriptor';
import { salesforceWire } from './wire';

export class SalesforceRest {
  readonly transport: HttpTransport;
  private instanceUrl: string | undefined;

  constructor(
    options: AdapterOptions,
    readonly apiVersion: string,
  ) {
    const loginUrl = options.baseUrl.replace(/\/+$/, '');
    const hostPolicy = options.hostPolicy ?? defaultHostPolicy(SALESFORCE_DESCRIPTOR.hostFamily);
    const wire = salesforceWire({
      loginUrl,
      credentials: options.credentials,
      timeoutMs: options.timeoutMs,
      hostPolicy,
      onSession: (url) => {
        this.instanceUrl = url;
      },
    });
    this.transport = new HttpTransport({
      baseUrl: loginUrl,
      limiter: createLimiter(options.limiter),
      wire,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      onToken: options.onToken,
      hostPolicy,
      onCallFailure: options.onCallFailure,
    });
  }

  /** Calls a path under `/services/data/vNN.N` (or an absolute path from the token's host). */
  async call<T = unknown>(spec: Omit<RequestSpec, 'url'> & { path: string }): Promise<HttpAnswer<T>> {
    if (!this.instanceUrl) await this.transport.refreshToken();
    const { path, ...rest } = spec;
    const url = path.startsWith('/services/') ? `${this.instanceUrl}${path}` : `${this.instanceUrl}/services/data/v${this.apiVersion}${path}`;
    return this.transport.request<T>({ ...rest, url });
  }

  get<T = unknown>(path: string, headers?: Record<string, string>): Promise<HttpAnswer<T>> {
    return this.call<T>({ method: 'GET', path, headers });
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}
