/** The in-memory tally of failed calls: merged by minute, class, outcome and run; written set-based; kept when a write fails. */
import { describe, expect, it } from 'vitest';
import { CallFailureTally, withinRun } from '../../src/process/health/call-failure-tally';
import type { Queryable } from '../../src/process/store/queryable';

const T0 = Date.parse('2026-12-07T10:00:10Z');

/** A store that records each statement's parameters, failing while `down`. */
function fakeStore() {
  const writes: unknown[][] = [];
  const store = {
    down: false,
    writes,
    query: async (_sql: string, params: unknown[]) => {
      if (store.down) throw new Error('connection refused');
      writes.push(params);
      return [];
    },
  };
  return store;
}

/** The rows a write carried, as [minute, connection, class, recovered, run, calls]. */
const rowsOf = (params: unknown[]) =>
  (params[0] as Date[]).map((at, i) => [at.toISOString().slice(11, 16), ...params.slice(1).map((column) => (column as unknown[])[i])]);

describe('CallFailureTally', () => {
  it('merges alike failures, keeps runs, outcomes and minutes apart, and writes them in one statement', async () => {
    const store = fakeStore();
    let now = T0;
    const tally = new CallFailureTally(store as unknown as Queryable, () => now);
    const tell = tally.observerFor('c1');
    tell({ errorClass: 'RATE_LIMIT', code: '429', recovered: true });
    tell({ errorClass: 'RATE_LIMIT', code: '429', recovered: true });
    tell({ errorClass: 'RATE_LIMIT', code: '429', recovered: false });
    await withinRun('r1', async () => tell({ errorClass: 'SERVER', code: '503', recovered: true }));
    now = T0 + 60_000;
    tell({ errorClass: 'RATE_LIMIT', code: '429', recovered: true });
    await tally.close();
    expect(store.writes).toHaveLength(1);
    expect(rowsOf(store.writes[0]!)).toEqual([
      ['10:00', 'c1', 'RATE_LIMIT', true, null, 2],
      ['10:00', 'c1', 'RATE_LIMIT', false, null, 1],
      ['10:00', 'c1', 'SERVER', true, 'r1', 1],
      ['10:01', 'c1', 'RATE_LIMIT', true, null, 1],
    ]);
  });

  it('keeps the counts of a failed write for the next one', async () => {
    const store = fakeStore();
    const tally = new CallFailureTally(store as unknown as Queryable, () => T0);
    tally.add('c1', { errorClass: 'SERVER', code: '503', recovered: false });
    store.down = true;
    await tally.flush();
    expect(store.writes).toHaveLength(0);
    store.down = false;
    tally.add('c1', { errorClass: 'SERVER', code: '503', recovered: false });
    await tally.close();
    expect(store.writes.map(rowsOf)).toEqual([[['10:00', 'c1', 'SERVER', false, null, 2]]]);
  });

  it('writes nothing when nothing failed', async () => {
    const store = fakeStore();
    await new CallFailureTally(store as unknown as Queryable).close();
    expect(store.writes).toHaveLength(0);
  });
});
