/**
 * What the experience tier imports for its reads. The read models themselves live in the
 * store (store/read-models); these names stay until the process tier's public face
 * (src/process/index.ts) takes their place.
 */
export * from '../store/read-models/pagination';
export {
  createReadModels as createReadQueries,
  CompanyReadModel as CompanyQueries,
  ConnectionReadModel as ConnectionQueries,
  ContactReadModel as ContactQueries,
  MAX_SEARCH_LENGTH,
  SourceLinkReadModel as SourceLinkQueries,
  SyncRunReadModel as SyncRunQueries,
  type CompanyFilter,
  type ConnectionView,
  type ContactFilter,
  type LifecycleStage,
  type ReadModels as ReadQueries,
  type SyncRunFilter,
} from '../store/read-models';
export { ERROR_CLASSES, supportedCrmKinds, supportedCrms, type CrmDescriptor, type CrmKind, type ErrorClass } from './vocabulary';
