/** Which CRM records feed each unified record: batched for DataLoaders. */
import type { SourceLinkEntity } from '../entities';
import type { Queryable } from '../queryable';
import { CONNECTION_VIEW_COLUMNS } from './connection.read-model';
import { isUuid } from './pagination';
import { mapConnection, mapSourceLink, type ConnectionView, type Row } from './row-mappers';

/** Connection columns come back prefixed so they cannot collide with the link's own. */
const PREFIX = 'connection__';
const CONNECTION_SELECT = CONNECTION_VIEW_COLUMNS.map((c) => `c.${c} AS ${PREFIX}${c}`).join(', ');

export interface SourceLinksWithConnections {
  links: Map<string, SourceLinkEntity[]>;
  /** The connections those links point at, read in the same statement. */
  connections: ConnectionView[];
}

export class SourceLinkReadModel {
  constructor(private db: Queryable) {}

  /** Source links per record id (contacts and companies share the id space: uuids). */
  async byRecordIds(recordIds: readonly string[]): Promise<Map<string, SourceLinkEntity[]>> {
    return (await this.byRecordIdsWithConnections(recordIds)).links;
  }

  /**
   * Source links per record id together with their connections, in one statement: a page of
   * contacts asking for `sources { connection }` then costs one query, not two.
   */
  async byRecordIdsWithConnections(recordIds: readonly string[]): Promise<SourceLinksWithConnections> {
    const links = new Map<string, SourceLinkEntity[]>(recordIds.map((id) => [id, []]));
    const valid = recordIds.filter(isUuid);
    if (valid.length === 0) return { links, connections: [] };
    const rows = (await this.db.query(
      `SELECT s.id, s.record_kind, s.record_id, s.connection_id, s.remote_type, s.remote_id, s.remote_updated_at, s.last_synced_at, s.content_hash, s.detached_at, ${CONNECTION_SELECT}
       FROM source_links s JOIN connections c ON c.id = s.connection_id
       WHERE s.record_id = ANY($1::uuid[]) ORDER BY s.record_id, s.connection_id, s.remote_type, s.remote_id`,
      [valid],
    )) as Row[];
    const connections = new Map<string, ConnectionView>();
    for (const row of rows) {
      const link = mapSourceLink(row);
      links.get(link.recordId)?.push(link);
      if (!connections.has(link.connectionId)) connections.set(link.connectionId, mapConnection(unprefixed(row)));
    }
    return { links, connections: [...connections.values()] };
  }
}

function unprefixed(row: Row): Row {
  const out: Row = {};
  for (const column of CONNECTION_VIEW_COLUMNS) out[column] = row[`${PREFIX}${column}`];
  return out;
}
