/**
 * A counting HTTP proxy in front of an emulator: the connection's base URL points here, so
 * every vendor request Junction makes is seen — method, path, bytes each way, time. The
 * Host header is kept, so Salesforce's instance_url names the proxy and later calls come back.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedCall {
  method: string;
  path: string;
  status: number;
  requestBytes: number;
  responseBytes: number;
  at: number;
}

export interface CountingProxy {
  url: string;
  calls: ProxiedCall[];
  /** Calls since the mark, then a new mark. */
  take(): ProxiedCall[];
  close(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const t = new URL(target);
  const calls: ProxiedCall[] = [];
  let mark = 0;
  const server: Server = createServer((req, res) => {
    let requestBytes = 0;
    const upstream = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      let responseBytes = 0;
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.on('data', (c: Buffer) => {
        responseBytes += c.length;
        res.write(c);
      });
      up.on('end', () => {
        res.end();
        if (!(req.url ?? '').startsWith('/_emulator/'))
          calls.push({ method: req.method ?? 'GET', path: (req.url ?? '').split('?')[0]!, status: up.statusCode ?? 0, requestBytes, responseBytes, at: Date.now() });
      });
    });
    upstream.on('error', () => res.destroy());
    req.on('data', (c: Buffer) => {
      requestBytes += c.length;
      upstream.write(c);
    });
    req.on('end', () => upstream.end());
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    take() {
      const out = calls.slice(mark);
      mark = calls.length;
      return out;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Token calls are exempt from vendor limits and quotas; they are not data calls. */
export const dataCalls = (calls: ProxiedCall[]): ProxiedCall[] => calls.filter((c) => !c.path.includes('/oauth') && !c.path.includes('/token'));
export const sumBytes = (calls: ProxiedCall[]): { up: number; down: number } =>
  calls.reduce((acc, c) => ({ up: acc.up + c.requestBytes, down: acc.down + c.responseBytes }), { up: 0, down: 0 });
