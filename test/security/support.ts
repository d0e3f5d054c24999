/**
 * Helpers for the security suite: the contract's operations one by one, the pending list,
 * and a graphql-ws runner that reports either the result or the socket's close code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kind, parse, print, type OperationDefinitionNode } from 'graphql';
import { wsClient } from '../support/harness';

export interface ContractOperation {
  name: string;
  kind: 'query' | 'mutation' | 'subscription';
  document: string;
}

const ROOT = join(__dirname, '..', '..');

export function contractOperations(): ContractOperation[] {
  const source = readFileSync(join(ROOT, '..', 'shared', 'contract', 'operations.graphql'), 'utf8');
  return parse(source)
    .definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => ({ name: d.name!.value, kind: d.operation, document: print(d) }));
}

export function pendingOperations(): Set<string> {
  const text = readFileSync(join(ROOT, 'schema', 'contract-pending.txt'), 'utf8');
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
}

export { wsClient };

export interface WsOutcome {
  /** Errors of the first result, or of the `error` message. */
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  data?: unknown;
  /** The close code when the server closed the socket instead of answering. */
  closeCode?: number;
  /** A subscription that started and stayed quiet: it is running. */
  quiet?: boolean;
}

/**
 * Runs one operation over a fresh socket. Queries and mutations resolve with their first
 * result; a subscription counts as running when nothing (no error, no close) arrives within
 * `quietMs`.
 */
export function wsRun(url: string, authorization: string | undefined, payload: { query: string; variables?: Record<string, unknown> }, quietMs = 300): Promise<WsOutcome> {
  const client = wsClient(url, authorization);
  return new Promise<WsOutcome>((resolve) => {
    let settled = false;
    const done = (o: WsOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      Promise.resolve(client.dispose()).catch(() => undefined);
      resolve(o);
    };
    const timer = setTimeout(() => done({ errors: [], quiet: true }), quietMs);
    if (!/^\s*subscription/.test(payload.query)) clearTimeout(timer);
    client.on('closed', (event) => {
      const code = (event as { code?: number }).code;
      if (code !== 1000) done({ errors: [], closeCode: code });
    });
    client.subscribe(payload, {
      next: (r) => done({ errors: (r.errors ?? []) as WsOutcome['errors'], data: r.data }),
      error: (err) => {
        if (Array.isArray(err)) done({ errors: err as WsOutcome['errors'] });
        else if (err && typeof err === 'object' && 'code' in err) done({ errors: [], closeCode: (err as { code: number }).code });
        else done({ errors: [{ message: String(err) }] });
      },
      complete: () => done({ errors: [] }),
    });
  });
}

export const isAuthError = (errors: Array<{ extensions?: Record<string, unknown> }>): boolean =>
  errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED' || e.extensions?.code === 'FORBIDDEN');
