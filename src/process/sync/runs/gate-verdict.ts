/**
 * The test-batch gate's decisions, pure (run-gate.ts says why each is systemic): from what the
 * test batch read, from an error that stopped it, and from a CRM's answers to a gated run's
 * first writes. Each answers null (the run goes on) or the block's cause with its reason.
 */
import { SystemError, type ErrorClass } from '../../../system';
import type { BlockCause } from '../../store/runs/sync-block.repository';

export interface Verdict {
  cause: BlockCause;
  /** The class the run's error is recorded with (`CLASS: message`, as every stopped run). */
  errorClass: ErrorClass;
  reason: string;
}

/** Refusals a record earns by what it holds: a value the CRM rejects, a duplicate it already has, a record gone. */
const RECORD_OWN: ReadonlySet<string> = new Set<ErrorClass>(['VALIDATION', 'DATA_FORMAT', 'CONFLICT', 'NOT_FOUND']);
/** Failures a later attempt can get past: never judged here, the retry policy deals with them (jobs/run-retry.ts). */
const TRANSIENT: ReadonlySet<string> = new Set<ErrorClass>(['TIMEOUT', 'NETWORK', 'SERVER', 'RATE_LIMIT']);
const REFUSES_JUNCTION: ReadonlySet<string> = new Set<ErrorClass>(['AUTHENTICATION', 'PERMISSION']);
/**
 * Records it takes to make a pattern: most of a batch quarantined, or most writes refused with
 * one answer, counts as systemic only from this many records. One or two invalid records in a
 * nearly empty CRM are records, not a pattern, and must not hold back what the other CRMs send.
 */
const MIN_PATTERN = 3;

/** What the test batch read: how many records, how many of them wait in quarantine, and the objects the mapping could not read. */
export interface BatchFacts {
  read: number;
  quarantined: number;
  unreadable: string[];
}

export function batchVerdict(f: BatchFacts): Verdict | null {
  if (f.unreadable.length)
    return {
      cause: 'MAPPING',
      errorClass: 'SCHEMA',
      reason: `the mapping cannot read ${f.unreadable.join(', ')}: a field it derives values from is missing from the CRM (see the connection's schema drift)`,
    };
  if (f.quarantined * 2 > f.read && f.quarantined >= MIN_PATTERN)
    return {
      cause: 'QUARANTINE',
      errorClass: 'VALIDATION',
      reason: `${f.quarantined} of the ${f.read} test-batch records were quarantined — more than half, so the mapping or a validation rule does not fit this CRM's data`,
    };
  return null;
}

/** An error that stopped the test batch's read: systemic when the CRM refused Junction or the read itself. */
export function readErrorVerdict(err: unknown): Verdict | null {
  if (!(err instanceof SystemError)) return null;
  if (REFUSES_JUNCTION.has(err.errorClass))
    return { cause: 'ACCESS', errorClass: err.errorClass, reason: `the CRM refused Junction while reading the test batch (${err.code}: ${err.message})` };
  if (err.errorClass === 'VALIDATION' || err.errorClass === 'NOT_FOUND' || err.errorClass === 'SCHEMA')
    return { cause: 'MAPPING', errorClass: err.errorClass, reason: `the CRM refused to read a mapped object (${err.code}: ${err.message})` };
  return null;
}

/** A CRM's answer to one of the first writes. */
export interface WriteAnswer {
  ok: boolean;
  errorClass?: string;
  code?: string;
  message?: string;
}

/**
 * The CRM's answers to a gated run's first writes: systemic when it refused a whole call as
 * Junction's (authentication, permission), or most of the writes (more than half) for a reason
 * that is not each record's own — a refusal of Junction itself, or one and the same answer for
 * at least MIN_PATTERN unrelated records. Transient failures are left out of the count.
 */
export function firstWritesVerdict(answers: WriteAnswer[], callFailure?: unknown): Verdict | null {
  if (callFailure instanceof SystemError && REFUSES_JUNCTION.has(callFailure.errorClass))
    return { cause: 'WRITES', errorClass: callFailure.errorClass, reason: `the CRM refused the first write call (${callFailure.code}: ${callFailure.message})` };
  const judged = answers.filter((a) => a.ok || !TRANSIENT.has(a.errorClass ?? 'UNKNOWN'));
  const refused = judged.filter((a) => !a.ok);
  if (refused.length * 2 <= judged.length) return null;
  const of = `of the first ${judged.length} writes`;
  const notOwn = refused.filter((a) => !RECORD_OWN.has(a.errorClass ?? 'UNKNOWN'));
  if (notOwn.length * 2 > judged.length) {
    const [errorClass] = mostCommon(notOwn.map((a) => a.errorClass ?? 'UNKNOWN'));
    return { cause: 'WRITES', errorClass: errorClass as ErrorClass, reason: `the CRM refused ${notOwn.length} ${of} as not Junction's to make (${summary(notOwn)})` };
  }
  const [key, shared] = mostCommon(refused.map((a) => `${a.errorClass ?? 'UNKNOWN'} ${a.code ?? ''}`));
  if (shared * 2 > judged.length && shared >= MIN_PATTERN) {
    const same = refused.filter((a) => `${a.errorClass ?? 'UNKNOWN'} ${a.code ?? ''}` === key);
    return {
      cause: 'WRITES',
      errorClass: (same[0]!.errorClass ?? 'UNKNOWN') as ErrorClass,
      reason: `the CRM refused ${shared} ${of} with the same answer, so it refuses what Junction sends, not what the records hold (${summary(same)})`,
    };
  }
  return null;
}

function mostCommon(values: string[]): [string, number] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
}

/** The distinct answers, first few: `CODE: message`. */
function summary(answers: WriteAnswer[]): string {
  return [...new Set(answers.map((a) => `${a.code ?? a.errorClass ?? 'UNKNOWN'}: ${a.message ?? 'no message'}`))].slice(0, 3).join('; ');
}
