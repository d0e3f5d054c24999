/**
 * /readyz answers from a recent check instead of asking the database on every probe.
 *
 * A probe that queried each time waited behind whatever the store was busy with: on embedded
 * PGlite's one session, behind a sync transaction (p99 650 ms during a 20,000-record BULK sync
 * even with the sync giving way, session-turns.ts); on PostgreSQL, behind a server the sync
 * keeps busy. Readiness is asked every few seconds by a load balancer, and its answer a
 * second old is as true as a new one. So: a check younger than FRESH_MS is the answer; an
 * older "ready" one, up to STALE_MS, is answered at once while one check runs behind it; past
 * that, or when the last check failed or found migrations pending, a probe waits for a new
 * check (concurrent probes share it). A database gone away shows within a second or two of
 * the next probe; a hung one within STALE_MS.
 */
export type Readiness = 'ready' | 'migrations pending';

const FRESH_MS = 1_000;
const STALE_MS = 10_000;

export type ReadinessAnswer = { ok: true; status: Readiness } | { ok: false; err: unknown };

export class ReadinessCache {
  private last: { answer: ReadinessAnswer; at: number } | undefined;
  private inFlight: Promise<ReadinessAnswer> | undefined;

  constructor(
    private readonly check: () => Promise<Readiness>,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async answer(): Promise<ReadinessAnswer> {
    const last = this.last;
    const age = last ? this.now() - last.at : Infinity;
    if (last && age < FRESH_MS) return last.answer;
    const ready = last?.answer.ok === true && last.answer.status === 'ready';
    if (ready && age < STALE_MS) {
      void this.refresh();
      return last.answer;
    }
    return this.refresh();
  }

  /** One check at a time; its answer is remembered with when it was asked. */
  private refresh(): Promise<ReadinessAnswer> {
    this.inFlight ??= (async () => {
      const at = this.now();
      let answer: ReadinessAnswer;
      try {
        answer = { ok: true, status: await this.check() };
      } catch (err) {
        answer = { ok: false, err };
      }
      this.last = { answer, at };
      this.inFlight = undefined;
      return answer;
    })();
    return this.inFlight;
  }
}
