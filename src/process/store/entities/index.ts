import { AuthFailureEntity } from './auth-failure.entity';
import { CompanyEntity } from './company.entity';
import { ConnectionEntity } from './connection.entity';
import { ContactEntity } from './contact.entity';
import { AlertEntity, ApiKeyEntity, FieldOwnerEntity, FieldProvenanceEntity, MergeEntity, ValidationRuleEntity } from './misc.entities';
import { QuarantineEntity } from './quarantine.entity';
import { SourceLinkEntity } from './source-link.entity';
import { SyncCursorEntity } from './sync-cursor.entity';
import { SyncErrorEntity } from './sync-error.entity';
import { SyncRunEntity } from './sync-run.entity';
import { DuplicateCandidateEntity } from './duplicate-candidate.entity';

export * from './auth-failure.entity';
export * from './company.entity';
export * from './connection.entity';
export * from './contact.entity';
export * from './duplicate-candidate.entity';
export * from './misc.entities';
export * from './quarantine.entity';
export * from './source-link.entity';
export * from './sync-cursor.entity';
export * from './sync-error.entity';
export * from './sync-run.entity';

export const ENTITIES = [
  ConnectionEntity,
  ContactEntity,
  CompanyEntity,
  SourceLinkEntity,
  SyncCursorEntity,
  SyncRunEntity,
  SyncErrorEntity,
  QuarantineEntity,
  FieldOwnerEntity,
  FieldProvenanceEntity,
  ValidationRuleEntity,
  MergeEntity,
  ApiKeyEntity,
  AlertEntity,
  AuthFailureEntity,
  DuplicateCandidateEntity,
];
