/** Small measuring tools: RSS sampling, percentiles, timing, the result table. */

export interface ResultRow {
  scenario: string;
  figure: string;
  baseline: string;
  ratio: number | null;
  target: string;
  met: boolean | null;
  note?: string;
}

/**
 * Samples the process's RSS and V8 heap in use every `everyMs` until stopped; returns both
 * peaks in MB. The heap figure is what the process holds in JavaScript objects (garbage not
 * yet collected included); RSS adds code, native buffers and the heap's free headroom.
 */
export function sampleMemory(everyMs = 50): { stop(): number; peakHeapMb(): number } {
  let peak = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const take = () => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak / 1024 / 1024;
    },
    peakHeapMb: () => heap / 1024 / 1024,
  };
}

export const rssMb = (): number => process.memoryUsage().rss / 1024 / 1024;

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

export function renderTable(rows: ResultRow[]): string {
  const header = ['scenario', 'figure', 'baseline', 'ratio', 'target', 'met?'];
  const cells = rows.map((r) => [r.scenario, r.figure, r.baseline, r.ratio === null ? '—' : fmt(r.ratio, Math.abs(r.ratio) < 0.1 ? 3 : 2), r.target, r.met === null ? 'n/a' : r.met ? 'yes' : 'NO']);
  const lines = [header, ...cells].map((c) => `| ${c.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`);
  return lines.join('\n');
}
