/** The newest pending quarantine rows, for the dashboard: a read model of the store, named here for the API. */
export { pendingQuarantine, type QuarantinePreviewRow } from '../store/ops/quarantine-preview.read-model';
