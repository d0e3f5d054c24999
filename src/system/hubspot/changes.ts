/**
 * listChanged for HubSpot: CRM search on the stamp property, plus the recycle bin for
 * deletions.
 *
 * Each run lists the recycle bin first (GET ?archived=true: archives after the run's
 * archive mark), then reads live records by search. The cursor keeps two marks (cursor.ts
 * RunCursor): the live mark follows every live record delivered; the archive mark moves only
 * over archives that were listed and delivered. An archive missing from the listing happened
 * after the listing started, so its stamp is above every listed one and the next run lists
 * it: no deletion is skipped, and no extra call is needed to fix a horizon first. Listed
 * archives go out in stamp order among the live records.
 *
 * Live records are read by keyset (stamp ≥ cursor, boundary ids skipped, search restarted
 * from the last stamp after every page) rather than by `after` offsets: a record modified
 * mid-run shifts the offsets and makes the next page skip one, and keyset paging never
 * meets the 10,000-result cap on `after`. The run reads until a page comes back complete,
 * so a record changed while it pages is met again at its new stamp; one changed after that
 * has a newer stamp than any delivered and is read by the next run.
 */
import { SystemError } from '../errors';
import type { ChangePage, ListOptions, RemoteRecord } from '../system-api';
import type { HubspotClient, SearchBody } from './client';
import { advance, alreadySeen, decodeRunCursor, encodeRunCursor, type ChangeCursor, type RunCursor } from './cursor';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_LIMITS, HUBSPOT_OBJECTS, type HubspotObject } from './descriptor';
import { normalize, type Normalized } from './normalize';

/** Only mapped fields are requested, plus the stamp and the external id. */
export function requestedProperties(object: HubspotObject, fields: string[]): string[] {
  return [...new Set([...fields, HUBSPOT_OBJECTS[object].stampProperty, HUBSPOT_DESCRIPTOR.externalIdField])];
}

interface Pending {
  record: RemoteRecord;
  /** The cursor to persist once this record (and all before it) is applied. */
  marks: RunCursor;
}

export async function* listChanges(client: HubspotClient, object: HubspotObject, cursorIn: string | null, options: ListOptions): AsyncIterable<ChangePage> {
  const stampProperty = HUBSPOT_OBJECTS[object].stampProperty;
  const properties = requestedProperties(object, options.fields);
  const pageSize = Math.max(1, Math.min(options.pageSize ?? HUBSPOT_LIMITS.searchPage, HUBSPOT_LIMITS.searchPage));
  const start = decodeRunCursor(cursorIn);
  const archived = await archivedSince(client, object, properties, start.archived, start.live === null && start.archived === null);

  let live: ChangeCursor | null = start.live;
  let archive: ChangeCursor | null = start.archived;
  const pending: Pending[] = [];
  const deliver = (n: Normalized) => {
    if (n.stamp !== undefined) {
      if (n.record.deleted) archive = advance(archive, n.stamp, n.record.remoteId);
      else live = advance(live, n.stamp, n.record.remoteId);
    }
    pending.push({ record: n.record, marks: { live, archived: archive } });
  };

  const deliveredMalformed = new Set<string>();
  let nextArchived = 0;
  const flushArchived = (upTo: number) => {
    // Malformed archived records (no stamp) sort first and go out with the first page.
    for (; nextArchived < archived.length && (archived[nextArchived]!.stamp ?? 0) <= upTo; nextArchived++) deliver(archived[nextArchived]!);
  };

  let yielded = false;
  let offset = 0;
  /** The first search's count of unseen live records, with the archives listed: what this read holds. */
  let total: number | undefined;
  for (;;) {
    const page = await client.search(object, {
      filterGroups: unseenSince(live, stampProperty),
      sorts: [{ propertyName: stampProperty, direction: 'ASCENDING' }],
      properties,
      limit: pageSize,
      after: offset ? String(offset) : undefined,
    });
    total ??= page.total + archived.length;
    let fresh = 0;
    for (const wire of page.results) {
      const n = normalize(object, stampProperty, wire, false);
      if (n.stamp === undefined) {
        // No usable stamp: deliver once per run for quarantine; it cannot move a cursor.
        const key = n.record.remoteId || JSON.stringify([n.record.fields, n.record.malformed]);
        if (!deliveredMalformed.has(key)) deliver(n);
        deliveredMalformed.add(key);
        continue;
      }
      if (alreadySeen(live, n.stamp, n.record.remoteId)) continue;
      flushArchived(n.stamp);
      deliver(n);
      fresh++;
    }
    const done = page.nextAfter === undefined;
    if (done) flushArchived(Number.POSITIVE_INFINITY);
    while (pending.length >= pageSize || (done && pending.length > 0)) {
      const chunk = pending.splice(0, pageSize);
      yield { records: chunk.map((p) => p.record), cursor: encodeRunCursor(chunk[chunk.length - 1]!.marks), total };
      yielded = true;
    }
    if (done) {
      if (!yielded) yield { records: [], cursor: encodeRunCursor({ live, archived: archive }) };
      return;
    }
    // A full page of already-seen ties (more records on one stamp than fit a page) is the
    // only case that pages by offset.
    offset = fresh > 0 ? 0 : Number(page.nextAfter);
    if (offset >= HUBSPOT_LIMITS.searchResultCap) {
      throw new SystemError('DATA_FORMAT', 'STAMP_TIES', `more than ${HUBSPOT_LIMITS.searchResultCap} ${object} share the ${stampProperty} ${live?.stampMs}`);
    }
  }
}

/**
 * Live records not yet delivered: stamped after the mark, or at it and not among the ids
 * delivered there. Excluding those ids (rather than searching GTE and skipping them) keeps a
 * page from spending a slot on the boundary record every time the search restarts.
 */
function unseenSince(live: ChangeCursor | null, stampProperty: string): SearchBody['filterGroups'] {
  const stamp = String(live?.stampMs ?? 0);
  if (!live?.idsAtStamp.length || live.idsAtStamp.length > HUBSPOT_LIMITS.filterValues) return [{ filters: [{ propertyName: stampProperty, operator: 'GTE', value: stamp }] }];
  return [
    { filters: [{ propertyName: stampProperty, operator: 'GT', value: stamp }] },
    {
      filters: [
        { propertyName: stampProperty, operator: 'EQ', value: stamp },
        { propertyName: 'hs_object_id', operator: 'NOT_IN', values: live.idsAtStamp },
      ],
    },
  ];
}

/**
 * Archived records (the recycle bin) archived after the archive mark, oldest first.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/basic/get-crm-v3-objects-contacts
 */
async function archivedSince(client: HubspotClient, object: HubspotObject, properties: string[], mark: ChangeCursor | null, firstRun: boolean): Promise<Normalized[]> {
  const stampProperty = HUBSPOT_OBJECTS[object].stampProperty;
  const out: Normalized[] = [];
  let after: string | undefined;
  do {
    const page = await client.listPage(object, { limit: HUBSPOT_LIMITS.listPage, after, properties, archived: true });
    for (const wire of page.results) {
      const n = normalize(object, stampProperty, wire, true);
      // Malformed archived records have no stamp to compare; only a first full run carries them.
      if (n.stamp === undefined ? firstRun : !alreadySeen(mark, n.stamp, n.record.remoteId)) out.push(n);
    }
    after = page.nextAfter;
  } while (after);
  return out.sort((a, b) => (a.stamp ?? 0) - (b.stamp ?? 0) || a.record.remoteId.localeCompare(b.record.remoteId));
}
