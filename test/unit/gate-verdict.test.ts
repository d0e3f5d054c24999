/** The test-batch gate's decisions, table by table (src/process/sync/gate-verdict.ts): systemic faults stop a run, a record's own never does. */
import { describe, expect, it } from 'vitest';
import { batchVerdict, firstWritesVerdict, readErrorVerdict, type WriteAnswer } from '../../src/process/sync/runs/gate-verdict';
import { SystemError } from '../../src/system';

describe('batchVerdict', () => {
  it.each<[string, { read: number; quarantined: number; unreadable: string[] }, string | null]>([
    ['a clean batch', { read: 10, quarantined: 0, unreadable: [] }, null],
    ['one invalid record of ten', { read: 10, quarantined: 1, unreadable: [] }, null],
    ['exactly half quarantined', { read: 10, quarantined: 5, unreadable: [] }, null],
    ['six of ten quarantined', { read: 10, quarantined: 6, unreadable: [] }, 'QUARANTINE'],
    ['every record quarantined', { read: 10, quarantined: 10, unreadable: [] }, 'QUARANTINE'],
    ['three of four quarantined', { read: 4, quarantined: 3, unreadable: [] }, 'QUARANTINE'],
    ['the only record of a nearly empty CRM', { read: 1, quarantined: 1, unreadable: [] }, null],
    ['two of two', { read: 2, quarantined: 2, unreadable: [] }, null],
    ['nothing read', { read: 0, quarantined: 0, unreadable: [] }, null],
    ['an object the mapping cannot read', { read: 10, quarantined: 0, unreadable: ['Lead'] }, 'MAPPING'],
  ])('%s → %s', (_name, facts, cause) => expect(batchVerdict(facts)?.cause ?? null).toBe(cause));

  it('says how much of the batch was quarantined', () => {
    expect(batchVerdict({ read: 10, quarantined: 7, unreadable: [] })).toMatchObject({ errorClass: 'VALIDATION', reason: expect.stringMatching(/^7 of the 10 test-batch records were quarantined — more than half/) });
  });
});

describe('readErrorVerdict', () => {
  const err = (cls: ConstructorParameters<typeof SystemError>[0], code = 'X') => new SystemError(cls, code, `${cls} happened`);
  it.each<[string, unknown, string | null]>([
    ['refused credentials', err('AUTHENTICATION', 'invalid_grant'), 'ACCESS'],
    ['a missing permission', err('PERMISSION', 'INSUFFICIENT_ACCESS'), 'ACCESS'],
    ['a read refused as invalid', err('VALIDATION', 'INVALID_TYPE'), 'MAPPING'],
    ['an object that does not exist', err('NOT_FOUND'), 'MAPPING'],
    ['a timeout (the retry policy’s)', err('TIMEOUT'), null],
    ['a 503 (the retry policy’s)', err('SERVER'), null],
    ['a 429 (the retry policy’s)', err('RATE_LIMIT'), null],
    ['a bug, not a CRM answer', new Error('boom'), null],
  ])('%s → %s', (_name, error, cause) => expect(readErrorVerdict(error)?.cause ?? null).toBe(cause));
});

describe('firstWritesVerdict', () => {
  const ok: WriteAnswer = { ok: true };
  const refused = (errorClass: string, code: string, message = 'refused'): WriteAnswer => ({ ok: false, errorClass, code, message });
  const times = (n: number, a: WriteAnswer) => Array.from({ length: n }, () => a);
  it.each<[string, WriteAnswer[], string | null]>([
    ['every write accepted', times(10, ok), null],
    ['a few records refused for their values', [...times(8, ok), refused('VALIDATION', 'INVALID_EMAIL'), refused('CONFLICT', 'DUPLICATE_VALUE')], null],
    ['half refused with one answer', [...times(5, ok), ...times(5, refused('VALIDATION', 'READ_ONLY_VALUE'))], null],
    ['most refused with one answer (a read-only field written)', [...times(2, ok), ...times(8, refused('VALIDATION', 'READ_ONLY_VALUE'))], 'VALIDATION'],
    ['most refused, each for its own value', [ok, ok, refused('VALIDATION', 'A'), refused('VALIDATION', 'B'), refused('DATA_FORMAT', 'C'), refused('CONFLICT', 'D'), refused('NOT_FOUND', 'E'), refused('VALIDATION', 'F')], null],
    ['most refused as not Junction’s to make', [...times(3, ok), ...times(7, refused('PERMISSION', 'INSUFFICIENT_ACCESS'))], 'PERMISSION'],
    ['the one write refused as not Junction’s to make', [refused('PERMISSION', 'INSUFFICIENT_ACCESS')], 'PERMISSION'],
    ['the one write refused for its value', [refused('VALIDATION', 'INVALID_EMAIL')], null],
    ['two of two refused with one answer (too few for a pattern)', times(2, refused('VALIDATION', 'REQUIRED_FIELD_MISSING')), null],
    ['answers missing for most writes', [...times(4, ok), ...times(6, { ok: false, errorClass: 'UNKNOWN', code: 'NO_RESULT' })], 'UNKNOWN'],
    ['transient failures are left out', [...times(2, ok), ...times(8, refused('SERVER', 'SERVER_UNAVAILABLE'))], null],
    ['nothing answered', [], null],
  ])('%s → %s', (_name, answers, errorClass) => expect(firstWritesVerdict(answers)?.errorClass ?? null).toBe(errorClass));

  it('stops on a whole call refused as Junction’s, not on a transient one', () => {
    expect(firstWritesVerdict([], new SystemError('PERMISSION', 'INSUFFICIENT_ACCESS', 'no access'))).toMatchObject({ cause: 'WRITES', errorClass: 'PERMISSION' });
    expect(firstWritesVerdict([], new SystemError('AUTHENTICATION', 'INVALID_SESSION_ID', 'expired'))).toMatchObject({ cause: 'WRITES', errorClass: 'AUTHENTICATION' });
    expect(firstWritesVerdict([], new SystemError('NETWORK', 'ECONNRESET', 'reset'))).toBeNull();
  });

  it('names the shared answer', () => {
    const verdict = firstWritesVerdict(times(4, refused('VALIDATION', 'READ_ONLY_VALUE', 'lastmodifieddate is a read only property')));
    expect(verdict?.reason).toBe(
      'the CRM refused 4 of the first 4 writes with the same answer, so it refuses what Junction sends, not what the records hold (READ_ONLY_VALUE: lastmodifieddate is a read only property)',
    );
  });
});
