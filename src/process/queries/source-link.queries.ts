/** Which CRM records feed each unified record: batched for DataLoaders. */
import type { DataSource } from 'typeorm';
import type { SourceLinkEntity } from '../store/entities';
import { isUuid } from './pagination';
import { mapSourceLink, type Row } from './row-mappers';

export class SourceLinkQueries {
  constructor(private db: DataSource) {}

  /** Source links per record id (contacts and companies share the id space: uuids). */
  async byRecordIds(recordIds: readonly string[]): Promise<Map<string, SourceLinkEntity[]>> {
    const result = new Map<string, SourceLinkEntity[]>(recordIds.map((id) => [id, []]));
    const valid = recordIds.filter(isUuid);
    if (valid.length === 0) return result;
    const rows = (await this.db.query(
      `SELECT * FROM source_links WHERE record_id = ANY($1::uuid[]) ORDER BY record_id, connection_id, remote_type, remote_id`,
      [valid],
    )) as Row[];
    for (const link of rows.map(mapSourceLink)) result.get(link.recordId)?.push(link);
    return result;
  }
}
