import type { IncomingMessage } from 'node:http';

export interface EmulatorRequest {
  method: string;
  url: URL;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: Buffer;
  /** Parsed JSON body; throws a DATA_FORMAT-style error the vendor turns into its 400. */
  json<T = unknown>(): T;
  text(): string;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings and Buffers as they are. */
  body?: unknown;
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse => ({
  status,
  body,
  headers: { 'content-type': 'application/json;charset=UTF-8', ...headers },
});

export const empty = (status: number, headers: Record<string, string> = {}): EmulatorResponse => ({ status, headers });

export class BadJsonError extends Error {}

export function buildRequest(req: IncomingMessage, rawBody: Buffer): EmulatorRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url,
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    json<T>() {
      try {
        return JSON.parse(rawBody.toString('utf8')) as T;
      } catch (err) {
        throw new BadJsonError(`malformed JSON body: ${(err as Error).message}`);
      }
    },
    text: () => rawBody.toString('utf8'),
  };
}
