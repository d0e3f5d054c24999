/**
 * A circuit breaker per connection (SPEC §2): after `failureThreshold` consecutive vendor
 * failures the circuit opens and calls fail fast for `openMs`; then exactly one probe is let
 * through (HALF_OPEN), which closes the circuit on success or re-opens it on failure.
 *
 * The state machine is a pure function (`nextCircuit`), table-tested; `CircuitBreaker` only
 * holds the current value and reports changes so the store can show them.
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitSettings {
  /** Consecutive vendor failures (timeouts, network errors, 5xx) that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit fails fast before one probe is allowed. */
  openMs: number;
}

export const DEFAULT_CIRCUIT: CircuitSettings = { failureThreshold: 5, openMs: 60_000 };

export interface Circuit {
  state: CircuitState;
  /** Consecutive failures while CLOSED. */
  failures: number;
  /** Epoch ms the circuit last opened. */
  openedAt: number | null;
  /** True while the single HALF_OPEN probe is in flight. */
  probing: boolean;
}

export const CLOSED_CIRCUIT: Circuit = { state: 'CLOSED', failures: 0, openedAt: null, probing: false };

export type CircuitEvent = { kind: 'REQUEST'; now: number } | { kind: 'SUCCESS' } | { kind: 'FAILURE'; now: number };

export interface CircuitStep {
  circuit: Circuit;
  /** For REQUEST: whether the call may go to the vendor. */
  admitted: boolean;
}

export function nextCircuit(c: Circuit, event: CircuitEvent, settings: CircuitSettings = DEFAULT_CIRCUIT): CircuitStep {
  switch (event.kind) {
    case 'REQUEST':
      if (c.state === 'CLOSED') return { circuit: c, admitted: true };
      if (c.state === 'OPEN' && c.openedAt !== null && event.now - c.openedAt >= settings.openMs)
        return { circuit: { ...c, state: 'HALF_OPEN', probing: true }, admitted: true };
      // OPEN within its period, or HALF_OPEN with the probe already out: fail fast.
      return { circuit: c, admitted: false };
    case 'SUCCESS':
      // A late success from a call admitted before the circuit opened proves little; only the probe closes it.
      if (c.state === 'OPEN') return { circuit: c, admitted: false };
      return { circuit: CLOSED_CIRCUIT, admitted: false };
    case 'FAILURE':
      if (c.state === 'HALF_OPEN') return { circuit: { state: 'OPEN', failures: c.failures, openedAt: event.now, probing: false }, admitted: false };
      if (c.state === 'OPEN') return { circuit: c, admitted: false };
      if (c.failures + 1 >= settings.failureThreshold)
        return { circuit: { state: 'OPEN', failures: c.failures + 1, openedAt: event.now, probing: false }, admitted: false };
      return { circuit: { ...c, failures: c.failures + 1 }, admitted: false };
  }
}

export interface CircuitChange {
  state: CircuitState;
  /** When an OPEN circuit lets its next probe through; null otherwise. */
  retryAt: Date | null;
}

/** Holds one connection's circuit and reports every state change. */
export class CircuitBreaker {
  private circuit: Circuit = CLOSED_CIRCUIT;
  readonly settings: CircuitSettings;

  constructor(
    settings: Partial<CircuitSettings> = {},
    private onChange?: (change: CircuitChange) => void,
    private clock: () => number = Date.now,
  ) {
    this.settings = { ...DEFAULT_CIRCUIT, ...settings };
  }

  get state(): CircuitState {
    return this.circuit.state;
  }

  /** Whether a call may go out now (false: fail fast, the vendor is not touched). */
  admit(): boolean {
    return this.step({ kind: 'REQUEST', now: this.clock() }).admitted;
  }

  success(): void {
    this.step({ kind: 'SUCCESS' });
  }

  failure(): void {
    this.step({ kind: 'FAILURE', now: this.clock() });
  }

  /** Gives back an admitted call that never reached the vendor: a HALF_OPEN probe slot is freed, nothing is counted. */
  release(): void {
    if (this.circuit.state === 'HALF_OPEN' && this.circuit.probing)
      this.circuit = { ...this.circuit, state: 'OPEN', probing: false, openedAt: this.clock() - this.settings.openMs };
  }

  /** Milliseconds until an OPEN circuit admits a probe (0 when not open). */
  retryInMs(): number {
    if (this.circuit.state !== 'OPEN' || this.circuit.openedAt === null) return 0;
    return Math.max(0, this.circuit.openedAt + this.settings.openMs - this.clock());
  }

  private step(event: CircuitEvent): CircuitStep {
    const before = this.circuit.state;
    const next = nextCircuit(this.circuit, event, this.settings);
    this.circuit = next.circuit;
    if (next.circuit.state !== before) {
      const retryAt = next.circuit.state === 'OPEN' && next.circuit.openedAt !== null ? new Date(next.circuit.openedAt + this.settings.openMs) : null;
      this.onChange?.({ state: next.circuit.state, retryAt });
    }
    return next;
  }
}
