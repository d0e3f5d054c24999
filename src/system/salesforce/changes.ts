/**
 * Incremental listing: SOQL over `queryAll` (so deletions show, with IsDeleted) ordered by
 * SystemModstamp then Id, following `nextRecordsUrl`. The cursor is the (stamp, Id) of the
 * last record in a page, and resuming asks for rows strictly after it, so records that
 * share a stamp are never skipped.
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_queryall.htm
 */
import { SystemError } from '../errors';
import type { ChangePage, ListOptions } from '../system-api';
import type { SalesforceRest } from './client';
import { QUERY_BATCH } from './descriptor';
import { assertApiName, decodeCursor, encodeCursor, selectList, soqlDateTime, soqlString, toRemoteRecord, type ChangeCursor } from './normalize';
import { parseWire, QueryResult } from './types';

export function changesSoql(remoteType: string, fields: string[], after: ChangeCursor | undefined): string {
  const select = selectList(fields);
  [remoteType, ...select].forEach(assertApiName);
  let soql = `SELECT ${select.join(', ')} FROM ${remoteType}`;
  if (after) {
    const stamp = soqlDateTime(after.stamp);
    soql += ` WHERE SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > ${soqlString(after.id)})`;
  }
  return `${soql} ORDER BY SystemModstamp ASC, Id ASC`;
}

export async function* listChanged(rest: SalesforceRest, remoteType: string, cursor: string | null, options: ListOptions): AsyncIterable<ChangePage> {
  const after = cursor ? decodeCursor(cursor) : undefined;
  if (cursor && !after) throw new SystemError('VALIDATION', 'BAD_CURSOR', `not a Salesforce change cursor: ${cursor}`);
  const batchSize = Math.min(QUERY_BATCH.max, Math.max(QUERY_BATCH.min, options.pageSize ?? QUERY_BATCH.default));
  const headers = { 'Sforce-Query-Options': `batchSize=${batchSize}` };
  let position = after;
  let path = `/queryAll?q=${encodeURIComponent(changesSoql(remoteType, options.fields, after))}`;
  for (;;) {
    const answer = await rest.get(path, headers);
    const result = parseWire(QueryResult, answer.body, 'query result');
    const records = result.records.map((row) => toRemoteRecord(remoteType, row));
    // Malformed rows are yielded but never move the cursor: their position is unknown.
    for (const r of records) if (!r.malformed) position = { stamp: r.modifiedAt, id: r.remoteId };
    if (records.length) yield { records, cursor: position ? encodeCursor(position) : (cursor ?? ''), total: result.totalSize };
    if (result.done || !result.nextRecordsUrl) return;
    path = result.nextRecordsUrl;
  }
}
