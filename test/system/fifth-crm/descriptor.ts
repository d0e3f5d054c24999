/**
 * A fifth CRM that lives only in the tests: a minimal JSON-over-HTTP vendor ("Fifth") with
 * contacts and companies. It exists to prove that a CRM is added through the registry alone.
 */
import type { CrmDescriptor } from '../../../src/system';
import type { CrmKind } from '../../../src/system';

/** Not a built-in kind: the registry's type lists those, a test's CRM is cast to it. */
export const FIFTH = 'FIFTH' as CrmKind;

export const FIFTH_DESCRIPTOR: CrmDescriptor = {
  kind: FIFTH,
  defaultApiVersion: 'v1',
  defaultEmulatorPort: 4105,
  objects: { contact: ['people'], company: ['organizations'] },
  externalIdField: 'junction_id',
  writeBatchSize: 50,
  deletedFlagField: 'junction_deleted',
  archiveIsSoft: true,
  credentials: { refreshToken: 'optional', tenantId: 'unsupported' },
  defaultRateLimit: { requests: 1_000, windowMs: 60_000, basis: 'Fifth: 1,000 requests per minute' },
  hostFamily: ['api.fifth.example'],
  docs: { name: 'Fifth', company: 'organization' },
};

export const TOKEN_PATH = '/oauth/token';
