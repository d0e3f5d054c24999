/**
 * listChanged over Dataverse change tracking, and bulkExport over plain paged queries.
 *
 * A null cursor starts a tracked query (`Prefer: odata.track-changes`); each page's cursor
 * is the nextLink still to fetch, and the last page's is the new delta token, so a resume
 * never skips a change. Within a page live rows keep Dataverse's order, sorted stably by
 * stamp (oldest first), and deletions follow them, as Dataverse sends them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
 */
import { SystemError } from '../errors';
import type { BulkOptions, BulkPage, ChangePage, ListOptions } from '../system-api';
import type { DataverseClient } from './client';
import { decodeCursor, deltaTokenOf, encodeCursor } from './cursor';
import { DATAVERSE_ENTITIES, DATAVERSE_LIMITS, DYNAMICS_DESCRIPTOR, type SyncedEntitySet } from './descriptor';
import { normalizeRow } from './normalize';

/** Only mapped columns travel, plus the key, the stamp and the external id. Lookup binds are write-only names. */
export function requestedColumns(set: SyncedEntitySet, fields: string[]): string[] {
  const readable = fields.filter((f) => !f.includes('@'));
  return [...new Set([DATAVERSE_ENTITIES[set].key, ...readable, 'modifiedon', DYNAMICS_DESCRIPTOR.externalIdField])];
}

const pageSizeOf = (options: ListOptions) => Math.max(1, Math.min(options.pageSize ?? DATAVERSE_LIMITS.maxPageSize, DATAVERSE_LIMITS.maxPageSize));
const selectQuery = (columns: string[]) => `$select=${columns.join(',')}`;

export async function* listChanges(client: DataverseClient, set: SyncedEntitySet, cursorIn: string | null, options: ListOptions): AsyncIterable<ChangePage> {
  const start = decodeCursor(cursorIn);
  const select = selectQuery(requestedColumns(set, options.fields));
  let link: string;
  if (start === null) link = `${set}?${select}`;
  else if (start.kind === 'delta') link = `${set}?${select}&$deltatoken=${encodeURIComponent(start.token)}`;
  else link = start.link;
  for (;;) {
    const page = await client.page(link, { maxPageSize: pageSizeOf(options), trackChanges: true });
    const now = Date.now();
    const normalized = page.value.map((row) => normalizeRow(set, row, now).record);
    const live = normalized.filter((r) => !r.deleted).sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt));
    const records = [...live, ...normalized.filter((r) => r.deleted)];
    if (page.nextLink) {
      link = client.relative(page.nextLink);
      yield { records, cursor: encodeCursor({ kind: 'next', link }) };
      continue;
    }
    const token = page.deltaLink ? deltaTokenOf(page.deltaLink) : undefined;
    if (!token)
      throw new SystemError(
        'DATA_FORMAT',
        'NO_DELTA_LINK',
        `Dataverse ended a tracked ${set} query without an @odata.deltaLink (is change tracking enabled on the table?)`,
      );
    yield { records, cursor: encodeCursor({ kind: 'delta', token }) };
    return;
  }
}

/** A next link of this entity set's collection (the base only parses the path; nothing is fetched from it). */
function linksTo(client: DataverseClient, set: SyncedEntitySet, link: string): boolean {
  try {
    return new URL(client.relative(link), 'http://dataverse.invalid').pathname.endsWith(`/${set}`);
  } catch {
    return false;
  }
}

/** Plain paged queries; a page's resume token is the next link still to fetch (a path under the base URL). */
export async function* exportAll(client: DataverseClient, set: SyncedEntitySet, options: BulkOptions): AsyncIterable<BulkPage> {
  if (options.resumeFrom !== undefined && !linksTo(client, set, options.resumeFrom))
    throw new SystemError('VALIDATION', 'INVALID_RESUME_TOKEN', `a Dataverse bulk export of ${set} resumes from a next link of ${set}`);
  let link: string | undefined = options.resumeFrom ?? `${set}?${selectQuery(requestedColumns(set, options.fields))}`;
  while (link) {
    const page = await client.page(link, { maxPageSize: pageSizeOf(options) });
    const now = Date.now();
    link = page.nextLink ? client.relative(page.nextLink) : undefined;
    yield { records: page.value.map((row) => normalizeRow(set, row, now).record), resume: link };
  }
}
