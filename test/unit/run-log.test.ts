import { describe, expect, it } from 'vitest';
import { etaSeconds } from '../../src/process/sync/runs/run-eta';
import { LOG_ENTRIES, pageProgress, RunLog } from '../../src/process/sync/runs/run-log';

describe('a run log', () => {
  it('keeps the last entries only, oldest first', () => {
    const log = new RunLog();
    for (let i = 1; i <= LOG_ENTRIES + 5; i++) log.info(`step ${i}`);
    const entries = log.snapshot();
    expect(entries).toHaveLength(LOG_ENTRIES);
    expect(entries[0]!.message).toBe('step 6');
    expect(entries.at(-1)!.message).toBe(`step ${LOG_ENTRIES + 5}`);
  });

  it('notes the retries made since the last note, not those of earlier runs of the adapter', () => {
    const log = new RunLog(7);
    log.noteRetries(7);
    log.noteRetries(9);
    log.noteRetries(9);
    log.noteRetries(undefined);
    expect(log.snapshot()).toEqual([expect.objectContaining({ level: 'WARN', message: expect.stringMatching(/^2 calls retried/) })]);
  });
});

describe('progress and ETA', () => {
  it('counts the current object by its records where the vendor gave a total, and stays put where it did not', () => {
    expect(pageProgress({ index: 0, of: 2 }, 50, 100, 0)).toBeCloseTo(0.5 / 3);
    expect(pageProgress({ index: 1, of: 2 }, 300, 100, 0)).toBeCloseTo(2 / 3);
    expect(pageProgress({ index: 1, of: 2 }, 50, undefined, 0.33)).toBe(0.33);
  });

  it('estimates the rest from the rate so far, only for a running run with a total', () => {
    const startedAt = new Date('2026-01-01T00:00:00Z');
    const now = new Date('2026-01-01T00:00:10Z');
    expect(etaSeconds({ status: 'RUNNING', startedAt, recordsRead: 100, recordsTotal: 400 }, now)).toBe(30);
    expect(etaSeconds({ status: 'RUNNING', startedAt, recordsRead: 500, recordsTotal: 400 }, now)).toBe(0);
    expect(etaSeconds({ status: 'RUNNING', startedAt, recordsRead: 0, recordsTotal: 400 }, now)).toBeNull();
    expect(etaSeconds({ status: 'RUNNING', startedAt, recordsRead: 100, recordsTotal: null }, now)).toBeNull();
    expect(etaSeconds({ status: 'CANCELLED', startedAt, recordsRead: 100, recordsTotal: 400 }, now)).toBeNull();
  });
});
