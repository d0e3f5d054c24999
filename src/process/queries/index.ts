/**
 * The read side the experience tier queries: plain SQL over the store, shaped as the
 * store's entities, with keyset pages and batched look-ups (one statement per batch).
 */
import type { DataSource } from 'typeorm';
import { CompanyQueries } from './company.queries';
import { ConnectionQueries } from './connection.queries';
import { ContactQueries } from './contact.queries';
import { SourceLinkQueries } from './source-link.queries';
import { SyncRunQueries } from './sync-run.queries';

export * from './pagination';
export type { ConnectionView } from './row-mappers';
export { CompanyQueries, type CompanyFilter } from './company.queries';
export { ConnectionQueries } from './connection.queries';
export { ContactQueries, MAX_SEARCH_LENGTH, type ContactFilter, type LifecycleStage } from './contact.queries';
export { SourceLinkQueries } from './source-link.queries';
export { SyncRunQueries, type SyncRunFilter } from './sync-run.queries';

export interface ReadQueries {
  contacts: ContactQueries;
  companies: CompanyQueries;
  sources: SourceLinkQueries;
  connections: ConnectionQueries;
  syncRuns: SyncRunQueries;
}

export function createReadQueries(db: DataSource): ReadQueries {
  return {
    contacts: new ContactQueries(db),
    companies: new CompanyQueries(db),
    sources: new SourceLinkQueries(db),
    connections: new ConnectionQueries(db),
    syncRuns: new SyncRunQueries(db),
  };
}
export { CRM_KINDS, ERROR_CLASSES, supportedCrmKinds, type CrmKind, type ErrorClass } from './vocabulary';
