/** Sync windows at their edges: local time in the window's own zone, spanning midnight, daylight saving. */
import { describe, expect, it } from 'vitest';
import { fullRunsAllowed, nextWindowOpening, scheduleOf } from '../../src/process/connections/sync-schedule';

const berlinNight = { start: '22:00', end: '06:00', timeZone: 'Europe/Berlin' };
const nyEvening = { start: '18:00', end: '23:00', timeZone: 'America/New_York' };

describe('fullRunsAllowed', () => {
  it.each<[string, string, typeof berlinNight | null, boolean]>([
    ['no window: any time', '2026-12-07T12:00:00Z', null, true],
    // Berlin is UTC+1 in December: 21:00Z is 22:00 there.
    ['Berlin 22:00 (21:00Z): the window opens', '2026-12-07T21:00:00Z', berlinNight, true],
    ['Berlin 21:59: not yet', '2026-12-07T20:59:00Z', berlinNight, false],
    ['Berlin 03:00 the next day: still open across midnight', '2026-12-08T02:00:00Z', berlinNight, true],
    ['Berlin 06:00: closed (the end is exclusive)', '2026-12-08T05:00:00Z', berlinNight, false],
    ['Berlin noon', '2026-12-07T11:00:00Z', berlinNight, false],
    // Summer time: Berlin is UTC+2, so 20:00Z is 22:00 there.
    ['Berlin 22:00 in July (20:00Z)', '2026-07-07T20:00:00Z', berlinNight, true],
    ['New York 18:00 in December (23:00Z)', '2026-12-07T23:00:00Z', nyEvening, true],
    ['New York 17:59', '2026-12-07T22:59:00Z', nyEvening, false],
    ['New York 23:00: closed', '2026-12-08T04:00:00Z', nyEvening, false],
  ])('%s → %s', (_name, at, window, allowed) => expect(fullRunsAllowed(window, new Date(at))).toBe(allowed));
});

describe('scheduleOf', () => {
  it('reads what was stored, and anything unusable as the defaults', () => {
    expect(scheduleOf({ schedule: { intervalSeconds: 60, window: berlinNight } })).toEqual({ intervalSeconds: 60, window: berlinNight });
    expect(scheduleOf({})).toEqual({ intervalSeconds: null, window: null });
    expect(scheduleOf({ schedule: { intervalSeconds: -5, window: { start: '22:00', end: '06:00', timeZone: 'Nowhere/Else' } } })).toEqual({ intervalSeconds: null, window: null });
    expect(scheduleOf({ schedule: 'nightly' })).toEqual({ intervalSeconds: null, window: null });
  });
});

describe('nextWindowOpening', () => {
  it.each<[string, string, typeof berlinNight, string]>([
    ['Berlin noon in December: 22:00 local is 21:00Z', '2026-12-07T11:00:00Z', berlinNight, '2026-12-07T21:00:00.000Z'],
    ['already open: now', '2026-12-07T23:30:00Z', berlinNight, '2026-12-07T23:30:00.000Z'],
    ['Berlin noon in July: 22:00 local is 20:00Z', '2026-07-07T10:00:00Z', berlinNight, '2026-07-07T20:00:00.000Z'],
    // The night Berlin's clocks go forward (29 March 2026, 02:00 → 03:00): a 02:30 start does not exist; the window opens at 03:00 local (01:00Z).
    ['a start skipped by daylight saving', '2026-03-28T23:00:00Z', { start: '02:30', end: '05:00', timeZone: 'Europe/Berlin' }, '2026-03-29T01:00:00.000Z'],
    ['New York evening, asked at 16:00 local', '2026-12-07T21:00:00Z', nyEvening, '2026-12-07T23:00:00.000Z'],
  ])('%s', (_name, at, window, opens) => expect(nextWindowOpening(window, new Date(at)).toISOString()).toBe(opens));
});
