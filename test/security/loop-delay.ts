/** How long an attack took to be answered, and the longest the event loop stalled meanwhile. */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export async function measured<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; maxLoopDelayMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  const started = performance.now();
  try {
    const value = await work();
    return { value, ms: performance.now() - started, maxLoopDelayMs: histogram.max / 1e6 };
  } finally {
    histogram.disable();
  }
}
