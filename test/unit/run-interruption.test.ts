import { describe, expect, it } from 'vitest';
import { RunInterrupted, untilInterrupted } from '../../src/process/sync/runs/run-interruption';

/** A vendor read: pages after a delay each; records whether it was ended (`return`) and how far it got. */
function vendorRead(pages: number, delayMs: number) {
  const state = { served: 0, ended: false };
  async function* read(): AsyncGenerator<number> {
    try {
      for (let i = 1; i <= pages; i++) {
        await new Promise((r) => setTimeout(r, delayMs));
        state.served = i;
        yield i;
      }
    } finally {
      state.ended = true;
    }
  }
  return { read: read(), state };
}

describe('untilInterrupted', () => {
  it('passes every page through when nothing aborts, with or without a signal', async () => {
    for (const signal of [undefined, new AbortController().signal]) {
      const { read, state } = vendorRead(3, 1);
      const seen: number[] = [];
      for await (const page of untilInterrupted(read, signal)) seen.push(page);
      expect(seen).toEqual([1, 2, 3]);
      expect(state.ended).toBe(true);
    }
  });

  it('stops at the next page boundary once aborted: the page handed out is the last', async () => {
    const { read, state } = vendorRead(5, 1);
    const stop = new AbortController();
    const seen: number[] = [];
    const consume = async () => {
      for await (const page of untilInterrupted(read, stop.signal)) {
        seen.push(page);
        if (page === 2) stop.abort();
      }
    };
    await expect(consume()).rejects.toBeInstanceOf(RunInterrupted);
    expect(seen).toEqual([1, 2]);
    expect(state.ended).toBe(true);
  });

  it('does not wait for a page still on the wire, and drops it', async () => {
    const { read, state } = vendorRead(2, 2_000);
    const stop = new AbortController();
    const seen: number[] = [];
    setTimeout(() => stop.abort(), 50);
    const started = performance.now();
    const consume = async () => {
      for await (const page of untilInterrupted(read, stop.signal)) seen.push(page);
    };
    await expect(consume()).rejects.toBeInstanceOf(RunInterrupted);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(seen).toEqual([]);
    // The abandoned read ends on its own once its call answers; nobody is left holding it.
    await new Promise((r) => setTimeout(r, 2_200));
    expect(state.served).toBe(1);
    expect(state.ended).toBe(true);
  });

  it('ends the vendor read when the consumer stops early', async () => {
    const { read, state } = vendorRead(5, 1);
    for await (const page of untilInterrupted(read, new AbortController().signal)) if (page === 1) break;
    expect(state.ended).toBe(true);
    expect(state.served).toBe(1);
  });

  it('a signal aborted before the read starts asks the vendor for nothing', async () => {
    const { read, state } = vendorRead(3, 1);
    const stop = new AbortController();
    stop.abort();
    await expect(
      (async () => {
        for await (const page of untilInterrupted(read, stop.signal)) void page;
      })(),
    ).rejects.toBeInstanceOf(RunInterrupted);
    expect(state.served).toBe(0);
  });
});
