/**
 * The test batch's reads, handed on to the full pass that follows it in the same run.
 *
 * A gated run's test batch reads the first page of an object from the same cursor the full
 * pass then starts at (the batch saves no cursor). Reading that page again would cost one
 * more vendor call per run for nothing, so the batch keeps the pages it read and the open
 * read, and the full pass replays those pages and goes on from the same read. Only
 * incremental reads are held: a BULK full pass reads by export, not by listChanged.
 */
import type { ChangePage } from '../../../system';

interface HeldRead {
  pages: ChangePage[];
  /** The read the pages came from, still open; undefined once it ended. */
  rest: AsyncIterator<ChangePage> | undefined;
}

export class HeldReads {
  private reads = new Map<string, HeldRead>();

  /**
   * Reads `source`, handing each page to `apply` until it answers false, and keeps every page
   * read (and the read itself when it did not end) for `take`.
   */
  async readAndHold(remoteType: string, source: AsyncIterable<ChangePage>, apply: (page: ChangePage) => Promise<boolean>): Promise<void> {
    const iterator = source[Symbol.asyncIterator]();
    const held: HeldRead = { pages: [], rest: iterator };
    this.reads.set(remoteType, held);
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        held.rest = undefined;
        return;
      }
      held.pages.push(next.value);
      if (!(await apply(next.value))) return;
    }
  }

  /** The object's held pages followed by the rest of its read, or undefined when nothing is held. */
  take(remoteType: string): AsyncIterable<ChangePage> | undefined {
    const held = this.reads.get(remoteType);
    if (!held) return undefined;
    this.reads.delete(remoteType);
    const { pages, rest } = held;
    return (async function* replay() {
      try {
        yield* pages;
        if (rest) for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
      } finally {
        // A pass that stops early (a test batch's own pass) ends the vendor read with it.
        await rest?.return?.();
      }
    })();
  }

  /** Ends every read still held (a failed gate, a BULK pass, a stopped run). */
  async release(): Promise<void> {
    const open = [...this.reads.values()].flatMap((r) => (r.rest ? [r.rest] : []));
    this.reads.clear();
    await Promise.all(open.map((it) => it.return?.().catch(() => undefined)));
  }
}
