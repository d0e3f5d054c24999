import type { DuplicateCandidate as CandidateRow, QuarantineEntry as EntryRow, ValidationRule as RuleRow } from '../../process';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import type { DuplicateCandidate, QuarantineEntry, ValidationRule } from './quality.types';

export const toValidationRule = (r: RuleRow): ValidationRule => ({ ...r });
export const toQuarantineEntry = (e: EntryRow): QuarantineEntry => ({ ...e });
export const toDuplicateCandidate = (c: CandidateRow): DuplicateCandidate => ({ ...c });

/** Process-tier outcomes → the API's typed errors. */
export function commandError(error: 'NOT_FOUND' | 'NOT_PENDING' | 'BAD_PATCH' | 'INVALID', what: string, id: string, message: string): Error {
  if (error === 'NOT_FOUND') return new NotFoundError(what, id);
  if (error === 'BAD_PATCH') return new BadUserInputError(message, 'patch');
  if (error === 'INVALID') return new BadUserInputError(message);
  return new ConflictError(message);
}
