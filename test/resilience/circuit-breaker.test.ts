import { describe, expect, it } from 'vitest';
import { CircuitBreaker, CLOSED_CIRCUIT, nextCircuit, type Circuit, type CircuitEvent, type CircuitState } from '../../src/system/transport/circuit-breaker';

const settings = { failureThreshold: 5, openMs: 60_000 };
const closed = (failures: number): Circuit => ({ ...CLOSED_CIRCUIT, failures });
const open = (openedAt: number): Circuit => ({ state: 'OPEN', failures: 5, openedAt, probing: false });
const halfOpen: Circuit = { state: 'HALF_OPEN', failures: 5, openedAt: 0, probing: true };

describe('nextCircuit (pure state machine)', () => {
  it.each<[string, Circuit, CircuitEvent, CircuitState, boolean]>([
    ['closed admits', closed(0), { kind: 'REQUEST', now: 0 }, 'CLOSED', true],
    ['4th failure stays closed', closed(3), { kind: 'FAILURE', now: 0 }, 'CLOSED', false],
    ['5th consecutive failure opens', closed(4), { kind: 'FAILURE', now: 0 }, 'OPEN', false],
    ['success resets the count', closed(4), { kind: 'SUCCESS' }, 'CLOSED', false],
    ['open fails fast within its period', open(1000), { kind: 'REQUEST', now: 60_999 }, 'OPEN', false],
    ['open lets one probe through after its period', open(1000), { kind: 'REQUEST', now: 61_000 }, 'HALF_OPEN', true],
    ['half-open refuses a second caller while probing', halfOpen, { kind: 'REQUEST', now: 99_000 }, 'HALF_OPEN', false],
    ['probe success closes', halfOpen, { kind: 'SUCCESS' }, 'CLOSED', false],
    ['probe failure re-opens', halfOpen, { kind: 'FAILURE', now: 5 }, 'OPEN', false],
    ['late success while open keeps it open', open(0), { kind: 'SUCCESS' }, 'OPEN', false],
    ['late failure while open keeps it open', open(0), { kind: 'FAILURE', now: 10 }, 'OPEN', false],
  ])('%s', (_name, from, event, state, admitted) => {
    const step = nextCircuit(from, event, settings);
    expect(step.circuit.state).toBe(state);
    if (event.kind === 'REQUEST') expect(step.admitted).toBe(admitted);
  });

  it('a failure after a success needs five more to open', () => {
    let c = CLOSED_CIRCUIT;
    for (const kind of ['FAILURE', 'FAILURE', 'FAILURE', 'FAILURE', 'SUCCESS', 'FAILURE', 'FAILURE', 'FAILURE', 'FAILURE'] as const)
      c = nextCircuit(c, kind === 'SUCCESS' ? { kind } : { kind, now: 0 }, settings).circuit;
    expect(c.state).toBe('CLOSED');
    expect(nextCircuit(c, { kind: 'FAILURE', now: 0 }, settings).circuit.state).toBe('OPEN');
  });

  it('re-opening restarts the open period from the failed probe', () => {
    const reopened = nextCircuit(halfOpen, { kind: 'FAILURE', now: 100_000 }, settings).circuit;
    expect(nextCircuit(reopened, { kind: 'REQUEST', now: 159_999 }, settings).admitted).toBe(false);
    expect(nextCircuit(reopened, { kind: 'REQUEST', now: 160_000 }, settings).admitted).toBe(true);
  });
});

describe('CircuitBreaker', () => {
  it('reports each change with the probe time, using configurable settings', () => {
    let now = 0;
    const changes: Array<{ state: CircuitState; retryAt: Date | null }> = [];
    const breaker = new CircuitBreaker(
      { failureThreshold: 2, openMs: 500 },
      (c) => changes.push(c),
      () => now,
    );
    breaker.failure();
    breaker.failure();
    expect(breaker.admit()).toBe(false);
    expect(breaker.retryInMs()).toBe(500);
    now = 500;
    expect(breaker.admit()).toBe(true);
    expect(breaker.admit()).toBe(false);
    breaker.success();
    expect(changes).toEqual([
      { state: 'OPEN', retryAt: new Date(500) },
      { state: 'HALF_OPEN', retryAt: null },
      { state: 'CLOSED', retryAt: null },
    ]);
  });
});
