/** Health windows as people write them: `30m`, `1h`, `24h`, `7d`. */
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const DEFAULT_WINDOW = '24h';
/** Longest window a caller may ask for: beyond it the run history is not a health signal. */
const MAX_WINDOW_MS = 90 * UNIT_MS.d;

/** `undefined` when the text is not a window, so the caller can say which argument was bad. */
export function parseWindow(text: string | null | undefined): number | undefined {
  const m = /^(\d{1,4})([mhd])$/.exec((text ?? DEFAULT_WINDOW).trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 && ms <= MAX_WINDOW_MS ? ms : undefined;
}
