/**
 * type-graphql's authChecker: throws the typed errors itself so clients see
 * UNAUTHENTICATED (no key) apart from FORBIDDEN (a key whose role is too low).
 */
import type { AuthCheckerFn } from 'type-graphql';
import type { Role } from '../../process';
import { ForbiddenError, UnauthenticatedError } from '../common/errors';
import type { JunctionContext } from '../context';
import { isAllowed } from './roles';

/** Throws UNAUTHENTICATED without a key, FORBIDDEN (with `why`, when given) for a role not allowed. */
export function requireRoles(context: JunctionContext, roles: readonly Role[], why?: string): void {
  const principal = context.principal;
  if (!principal) {
    context.noteMissingKey();
    throw new UnauthenticatedError();
  }
  if (!isAllowed(principal.role, roles)) {
    throw new ForbiddenError(why ?? `This needs one of the roles ${roles.join(', ')} (or a higher one); your key is ${principal.role}`);
  }
}

export const authChecker: AuthCheckerFn<JunctionContext, Role> = ({ context }, roles) => {
  requireRoles(context, roles);
  return true;
};
