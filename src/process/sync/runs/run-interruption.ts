/**
 * Stopping a run because Junction is stopping (SIGTERM, Ctrl-C): the worker aborts the run's
 * signal, and the engine stops at the next page boundary. A page already applied stays
 * committed with its checkpoint; a page still on the wire is abandoned, not applied, so the
 * next attempt reads it again from that checkpoint. The run ends INTERRUPTED, never FAILED or
 * SUCCEEDED, and run-retry queues its next attempt for the next start.
 */

/** Thrown where a run notices its signal; the engine records the run INTERRUPTED. */
export class RunInterrupted extends Error {
  override readonly name = 'RunInterrupted';
  constructor() {
    super('Junction stopped during the run; its next attempt continues from the checkpoints');
  }
}

export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunInterrupted();
}

/**
 * The vendor read's pages until the signal aborts, then RunInterrupted. A page the vendor is
 * still sending (a slow call, a bulk job being polled) is not waited for: the pending call is
 * left to end on its own, and its answer, if any, is dropped.
 */
export async function* untilInterrupted<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T> {
  if (!signal) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let abandoned = false;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    for (;;) {
      throwIfInterrupted(signal);
      const next = iterator.next();
      const first = await Promise.race([next, aborted]);
      if (first === 'aborted') {
        abandoned = true;
        // The read ends once its pending call does; nobody waits for it, and its failure is nobody's.
        void next.then(() => iterator.return?.()).catch(() => undefined);
        throw new RunInterrupted();
      }
      if (first.done) return;
      yield first.value;
    }
  } finally {
    signal.removeEventListener('abort', onAbort!);
    // A consumer that stopped early ends the vendor read (a bulk job's cleanup) as `for await` would.
    if (!abandoned) await iterator.return?.();
  }
}

/**
 * How a run executing here can be stopped: Junction stopping (the worker's signal: the run ends
 * INTERRUPTED and is resumed) or an operator's cancel, noticed at a page or heartbeat
 * (the run ends CANCELLED and is not). Both stop it the same way, between pages.
 */
export class RunStop {
  private operator = new AbortController();
  readonly signal: AbortSignal;

  constructor(shutdown: AbortSignal | undefined) {
    this.signal = shutdown ? AbortSignal.any([shutdown, this.operator.signal]) : this.operator.signal;
  }

  cancel(): void {
    this.operator.abort();
  }

  get cancelled(): boolean {
    return this.operator.signal.aborted;
  }
}
