/** Connections as reads see them (no sealed credentials), listed or batched by id. */
import type { Queryable } from '../queryable';
import { isUuid } from './pagination';
import { mapConnection, type ConnectionView, type Row } from './row-mappers';

/** The columns a ConnectionView is built from (never credentials_sealed). */
export const CONNECTION_VIEW_COLUMNS = [
  'id', 'name', 'kind', 'base_url', 'api_version', 'status', 'status_reason', 'circuit', 'enabled', 'token_expires_at', 'refresh_token_expires_at',
  'last_successful_sync_at', 'api_used', 'api_limit', 'api_resets_at', 'settings', 'credentials_refused_at', 'deleted_at', 'created_at', 'updated_at',
] as const;
const COLUMNS = CONNECTION_VIEW_COLUMNS.join(', ');

export class ConnectionReadModel {
  constructor(private db: Queryable) {}

  /** Live connections; a deleted one is a tombstone, found by id only (provenance still names it). */
  async list(): Promise<ConnectionView[]> {
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM connections WHERE deleted_at IS NULL ORDER BY created_at, id`)) as Row[];
    return rows.map(mapConnection);
  }

  /** Live and deleted connections alike. */
  async byIds(ids: readonly string[]): Promise<ConnectionView[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return [];
    const rows = (await this.db.query(`SELECT ${COLUMNS} FROM connections WHERE id = ANY($1::uuid[])`, [valid])) as Row[];
    return rows.map(mapConnection);
  }
}
