/**
 * A connection's sync schedule (settings.schedule): how often its incremental runs start, and
 * an optional window in its own time zone when full runs (BULK: a first sync, a re-sync) may
 * start — heavy reads and bulk writes move off-peak while incremental runs and change
 * notifications keep flowing. Pure: the scheduler asks with its clock.
 */
export interface SyncWindow {
  /** Local wall-clock time the window opens, "HH:MM". */
  start: string;
  /** Local time it closes, "HH:MM"; before `start` means it spans midnight (22:00–06:00). */
  end: string;
  /** IANA time zone the times are in ("Europe/Berlin", "America/New_York"). */
  timeZone: string;
}

export interface SyncSchedule {
  /** Seconds between incremental runs; null: the instance's JUNCTION_SYNC_INTERVAL_MS. */
  intervalSeconds: number | null;
  window: SyncWindow | null;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const isClockTime = (s: string): boolean => HH_MM.test(s);

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Minutes since local midnight at `at` in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/** Whether a full run may start at `at`: always without a window; inside it [start, end) otherwise. */
export function fullRunsAllowed(window: SyncWindow | null, at: Date): boolean {
  if (!window) return true;
  const now = localMinutes(at, window.timeZone);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** Reads settings.schedule as stored; anything unusable reads as no schedule (the defaults). */
export function scheduleOf(settings: Record<string, unknown> | null | undefined): SyncSchedule {
  const s = settings?.schedule as { intervalSeconds?: unknown; window?: Partial<Record<keyof SyncWindow, unknown>> | null } | undefined;
  const interval = typeof s?.intervalSeconds === 'number' && Number.isInteger(s.intervalSeconds) && s.intervalSeconds > 0 ? s.intervalSeconds : null;
  const w = s?.window;
  const window =
    w && typeof w.start === 'string' && typeof w.end === 'string' && typeof w.timeZone === 'string' && isClockTime(w.start) && isClockTime(w.end) && isTimeZone(w.timeZone)
      ? { start: w.start, end: w.end, timeZone: w.timeZone }
      : null;
  return { intervalSeconds: interval, window };
}

/**
 * The next instant at or after `at` when the window is open (the window's own clock, daylight
 * saving included): `at` itself when it is open now.
 */
export function nextWindowOpening(window: SyncWindow, at: Date): Date {
  if (fullRunsAllowed(window, at)) return at;
  const minute = 60_000;
  const startOfMinute = Math.floor(at.getTime() / minute) * minute;
  // Minutes until the local clock shows `start`; a daylight-saving jump can move that by an hour either way.
  const guess = (minutesOf(window.start) - localMinutes(at, window.timeZone) + 1440) % 1440;
  for (const delta of [0, -60, 60, -30, 30]) {
    const candidate = new Date(startOfMinute + (guess + delta) * minute);
    if (candidate.getTime() > at.getTime() && fullRunsAllowed(window, candidate) && !fullRunsAllowed(window, new Date(candidate.getTime() - minute))) return candidate;
  }
  // A start that does not exist that day (skipped by a daylight-saving jump): the first open minute.
  for (let m = 1; m <= 2 * 1440; m++) {
    const candidate = new Date(startOfMinute + m * minute);
    if (fullRunsAllowed(window, candidate)) return candidate;
  }
  return at;
}
