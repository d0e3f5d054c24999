/**
 * An emulator's clock: real time plus an adjustable offset, so tests can move an
 * emulator forward and give each CRM its own idea of "now".
 */
export class EmulatorClock {
  private offsetMs = 0;
  /**
   * The UTC offset, in minutes, a vendor that writes local offsets stamps records in
   * (a Salesforce org at UTC−8 writes `…-0800`). It changes how an instant is written,
   * never the instant; vendors that always write `Z` ignore it. Default 0.
   */
  utcOffsetMinutes = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
  setUtcOffset(minutes: number): void {
    if (!Number.isInteger(minutes) || Math.abs(minutes) > 14 * 60) throw new RangeError(`utcOffsetMinutes must be a whole number of minutes within ±14 h, got ${minutes}`);
    this.utcOffsetMinutes = minutes;
  }
}

/** A strictly increasing millisecond stamp, so two writes never share a modification time. */
export class MonotonicStamp {
  private last = 0;
  constructor(readonly clock: EmulatorClock) {}
  next(): number {
    const now = this.clock.now();
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }
}
