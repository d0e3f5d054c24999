/**
 * The read side the API serves: plain SQL over the store, shaped as the store's entities,
 * with keyset pages and batched look-ups (one statement per batch).
 */
import type { Queryable } from '../queryable';
import { CompanyReadModel } from './company.read-model';
import { ConnectionReadModel } from './connection.read-model';
import { ContactReadModel } from './contact.read-model';
import { SourceLinkReadModel } from './source-link.read-model';
import { SyncRunReadModel } from './sync-run.read-model';

export * from './pagination';
export type { ConnectionView } from './row-mappers';
export { CompanyReadModel, type CompanyFilter } from './company.read-model';
export { ConnectionReadModel } from './connection.read-model';
export { ContactReadModel, MAX_SEARCH_LENGTH, type ContactFilter, type LifecycleStage } from './contact.read-model';
export { SourceLinkReadModel, type SourceLinksWithConnections } from './source-link.read-model';
export { SyncRunReadModel, type SyncRunFilter } from './sync-run.read-model';

export interface ReadModels {
  contacts: ContactReadModel;
  companies: CompanyReadModel;
  sources: SourceLinkReadModel;
  connections: ConnectionReadModel;
  syncRuns: SyncRunReadModel;
}

export function createReadModels(db: Queryable): ReadModels {
  return {
    contacts: new ContactReadModel(db),
    companies: new CompanyReadModel(db),
    sources: new SourceLinkReadModel(db),
    connections: new ConnectionReadModel(db),
    syncRuns: new SyncRunReadModel(db),
  };
}
