/**
 * An emulator's clock: real time plus an adjustable offset, so tests can move an
 * emulator forward and give each CRM its own idea of "now".
 */
export class EmulatorClock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
}

/** A strictly increasing millisecond stamp, so two writes never share a modification time. */
export class MonotonicStamp {
  private last = 0;
  constructor(private clock: EmulatorClock) {}
  next(): number {
    const now = this.clock.now();
    this.last = now > this.last ? now : this.last + 1;
    return this.last;
  }
}
