/** The error log over GraphQL: one row per cause, attempts summed, filters, Relay pages, VIEWER+. */
import { beforeAll, describe, expect, it } from 'vitest';
import { logError } from '../../src/process/health/error-log';
import { codes, gql, useHarness } from '../support/harness';
import { insertConnection } from '../support/builders';
import { useDatabase } from '../support/database';

const QUERY = `query SyncErrors($errorClass: ErrorClass, $connectionId: ID, $first: Int, $after: String) {
  syncErrors(errorClass: $errorClass, connectionId: $connectionId, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id errorClass code message endpoint recordIds firstSeenAt lastSeenAt occurrences attempts connection { id } } }
  }
}`;

interface Node {
  errorClass: string;
  code: string;
  endpoint: string | null;
  recordIds: string[];
  occurrences: number;
  attempts: number;
  connection: { id: string } | null;
}
interface Answer {
  syncErrors: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: Node }> };
}

describe('SyncErrors', () => {
  const db = useDatabase();
  const h = useHarness(db);
  let viewer: string;
  let sf: string;
  let hs: string;

  beforeAll(async () => {
    viewer = await h.keyFor('VIEWER');
    sf = await insertConnection(db.dataSource, { kind: 'SALESFORCE' });
    hs = await insertConnection(db.dataSource, { kind: 'HUBSPOT' });
    const m = db.dataSource.manager;
    // One cause seen three times (ids in the path differ): one row, occurrences 3, attempts summed.
    for (const [id, attempts] of [
      ['003000000000001AAA', 4],
      ['003000000000002AAA', 4],
      ['003000000000003AAA', 2],
    ] as const)
      await logError(m, {
        connectionId: sf,
        errorClass: 'SERVER',
        code: 'SERVER_UNAVAILABLE',
        message: 'down',
        endpoint: `GET /services/data/v62.0/sobjects/Lead/${id}`,
        recordIds: [id],
        attempts,
      });
    await logError(m, {
      connectionId: sf,
      errorClass: 'VALIDATION',
      code: 'INVALID_EMAIL_ADDRESS',
      message: 'bad email',
      endpoint: 'upsert Lead',
      recordIds: ['r1'],
    });
    await logError(m, {
      connectionId: hs,
      errorClass: 'RATE_LIMIT',
      code: 'QUOTA_EXHAUSTED',
      message: 'daily limit',
      endpoint: 'POST /crm/v3/objects/contacts/search',
      attempts: 1,
    });
  });

  it('groups one cause into one row with occurrences, attempts, and the affected ids', async () => {
    const r = await gql<Answer>(h.url, QUERY, { errorClass: 'SERVER' }, viewer);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data!.syncErrors.totalCount).toBe(1);
    const node = r.body.data!.syncErrors.edges[0]!.node;
    expect(node).toMatchObject({ errorClass: 'SERVER', code: 'SERVER_UNAVAILABLE', occurrences: 3, attempts: 10, connection: { id: sf } });
    expect(node.recordIds.sort()).toEqual(['003000000000001AAA', '003000000000002AAA', '003000000000003AAA']);
  });

  it('filters by connection and pages forward', async () => {
    const first = await gql<Answer>(h.url, QUERY, { connectionId: sf, first: 1 }, viewer);
    expect(first.body.data!.syncErrors.totalCount).toBe(2);
    expect(first.body.data!.syncErrors.pageInfo.hasNextPage).toBe(true);
    const second = await gql<Answer>(h.url, QUERY, { connectionId: sf, first: 1, after: first.body.data!.syncErrors.pageInfo.endCursor }, viewer);
    expect(second.body.data!.syncErrors.pageInfo.hasNextPage).toBe(false);
    const classes = [first, second].map((p) => p.body.data!.syncErrors.edges[0]!.node.errorClass).sort();
    expect(classes).toEqual(['SERVER', 'VALIDATION']);
    const other = await gql<Answer>(h.url, QUERY, { connectionId: hs }, viewer);
    expect(other.body.data!.syncErrors.edges.map((e) => e.node.code)).toEqual(['QUOTA_EXHAUSTED']);
  });

  it('needs a key', async () => {
    const r = await gql<Answer>(h.url, QUERY, {});
    expect(codes(r)).toEqual(['UNAUTHENTICATED']);
  });
});
