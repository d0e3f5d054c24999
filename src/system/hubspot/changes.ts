/**
 * listChanged for HubSpot: CRM search on the stamp property, plus the recycle bin for
 * deletions.
 *
 * Each run first fixes a horizon H: the newest live stamp, then lists archived records
 * (GET ?archived=true). Any archive missing from that list happened later, so its stamp is
 * above H. The run may deliver records newer than H, but the cursors it hands out never pass
 * H, so none can skip an archive the run has not seen (records above H are simply delivered
 * again next run). H comes from the run's first search page when that page holds every
 * change (no extra call); only a run with more than a page to read asks for it separately
 * (a search sorted descending).
 *
 * Live records are read by keyset (stamp ≥ cursor, boundary ids skipped, search restarted
 * from the last stamp after every page) rather than by `after` offsets: a record modified
 * mid-run shifts the offsets and makes the next page skip one, and keyset paging never
 * meets the 10,000-result cap on `after`.
 */
import { SystemError } from '../errors';
import type { ChangePage, ListOptions, RemoteRecord } from '../system-api';
import type { HubspotClient } from './client';
import { advance, alreadySeen, decodeCursor, encodeCursor, type ChangeCursor } from './cursor';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_LIMITS, HUBSPOT_OBJECTS, type HubspotObject } from './descriptor';
import { normalize, type Normalized } from './normalize';

/** How many of the newest records to read for the horizon; malformed ones at the top are skipped. */
const HORIZON_PROBE = 10;

/** Only mapped fields are requested, plus the stamp and the external id. */
export function requestedProperties(object: HubspotObject, fields: string[]): string[] {
  return [...new Set([...fields, HUBSPOT_OBJECTS[object].stampProperty, HUBSPOT_DESCRIPTOR.externalIdField])];
}

interface Pending {
  record: RemoteRecord;
  /** The cursor to persist once this record (and all before it) is applied. */
  safe: ChangeCursor | null;
}

const START: ChangeCursor = { stampMs: 0, idsAtStamp: [] };

export async function* listChanges(client: HubspotClient, object: HubspotObject, cursorIn: string | null, options: ListOptions): AsyncIterable<ChangePage> {
  const stampProperty = HUBSPOT_OBJECTS[object].stampProperty;
  const properties = requestedProperties(object, options.fields);
  const pageSize = Math.max(1, Math.min(options.pageSize ?? HUBSPOT_LIMITS.searchPage, HUBSPOT_LIMITS.searchPage));
  const start = decodeCursor(cursorIn);
  const searchFrom = (cursor: ChangeCursor | null, offset: number) =>
    client.search(object, {
      filterGroups: [{ filters: [{ propertyName: stampProperty, operator: 'GTE', value: String(cursor?.stampMs ?? 0) }] }],
      sorts: [{ propertyName: stampProperty, direction: 'ASCENDING' }],
      properties,
      limit: pageSize,
      after: offset ? String(offset) : undefined,
    });

  // The first page is read before the recycle bin. When it holds every change since the
  // cursor (the usual incremental run), its newest stamp is the horizon and the probe is not
  // needed: no live record newer than it existed when it was read.
  const first = await searchFrom(start, 0);
  const complete = first.nextAfter === undefined;
  const horizon = complete ? newestStamp(object, stampProperty, first.results) : await liveHorizon(client, object);
  const archived = await archivedSince(client, object, properties, start);
  const top = archived.reduce((max, a) => Math.max(max, a.stamp ?? 0), horizon);
  // Archives newer than the first page's newest record were listed after that page was read:
  // a live record changed in between may sit below them, so the search must look once more
  // (after the listing) before the cursor may pass them.
  let mustSearchAgain = complete && top > horizon;

  let cursor = start;
  let safe = start;
  const deliver = (n: Normalized, pending: Pending[]) => {
    if (n.stamp !== undefined) {
      cursor = advance(cursor, n.stamp, n.record.remoteId);
      if (n.stamp <= top) safe = advance(safe, n.stamp, n.record.remoteId);
    }
    pending.push({ record: n.record, safe });
  };

  const pending: Pending[] = [];
  const deliveredMalformed = new Set<string>();
  let nextArchived = 0;
  const flushArchived = (upTo: number) => {
    // Malformed archived records (no stamp) sort first and go out with the first page.
    for (; nextArchived < archived.length && (archived[nextArchived]!.stamp ?? 0) <= upTo; nextArchived++) deliver(archived[nextArchived]!, pending);
  };

  let yielded = false;
  let offset = 0;
  let page: SearchPage | undefined = first;
  for (;;) {
    page ??= await searchFrom(cursor, offset);
    let fresh = 0;
    for (const wire of page.results) {
      const n = normalize(object, stampProperty, wire, false);
      if (n.stamp === undefined) {
        // No usable stamp: deliver once per run for quarantine; it cannot move a cursor.
        const key = n.record.remoteId || JSON.stringify(n.record.fields);
        if (!deliveredMalformed.has(key)) deliver(n, pending);
        deliveredMalformed.add(key);
        continue;
      }
      if (alreadySeen(cursor, n.stamp, n.record.remoteId)) continue;
      flushArchived(n.stamp);
      deliver(n, pending);
      fresh++;
    }
    let done = page.nextAfter === undefined;
    if (done && mustSearchAgain) {
      mustSearchAgain = false;
      done = false;
    }
    if (done) flushArchived(Number.POSITIVE_INFINITY);
    while (pending.length >= pageSize || (done && pending.length > 0)) {
      const chunk = pending.splice(0, pageSize);
      yield { records: chunk.map((p) => p.record), cursor: encodeCursor(chunk[chunk.length - 1]!.safe ?? START) };
      yielded = true;
    }
    if (done) {
      if (!yielded) yield { records: [], cursor: encodeCursor(safe ?? START) };
      return;
    }
    // A full page of already-seen ties (more records on one stamp than fit a page) is the
    // only case that pages by offset.
    offset = fresh > 0 || page.nextAfter === undefined ? 0 : Number(page.nextAfter);
    if (offset >= HUBSPOT_LIMITS.searchResultCap) {
      throw new SystemError('DATA_FORMAT', 'STAMP_TIES', `more than ${HUBSPOT_LIMITS.searchResultCap} ${object} share the ${stampProperty} ${cursor?.stampMs}`);
    }
    page = undefined;
  }
}

type SearchPage = Awaited<ReturnType<HubspotClient['search']>>;

/** The newest usable stamp among search results (0 when there is none). */
function newestStamp(object: HubspotObject, stampProperty: string, results: SearchPage['results']): number {
  const stamps = results.map((w) => normalize(object, stampProperty, w, false).stamp).filter((s): s is number => s !== undefined);
  return Math.max(0, ...stamps);
}

/**
 * The newest live stamp, read before the recycle bin is listed.
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
 */
async function liveHorizon(client: HubspotClient, object: HubspotObject): Promise<number> {
  const stampProperty = HUBSPOT_OBJECTS[object].stampProperty;
  const newest = await client.search(object, {
    filterGroups: [],
    sorts: [{ propertyName: stampProperty, direction: 'DESCENDING' }],
    properties: [stampProperty],
    limit: HORIZON_PROBE,
  });
  return newestStamp(object, stampProperty, newest.results);
}

/**
 * Archived records (the recycle bin) archived after the cursor, oldest first.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/basic/get-crm-v3-objects-contacts
 */
async function archivedSince(client: HubspotClient, object: HubspotObject, properties: string[], start: ChangeCursor | null): Promise<Normalized[]> {
  const stampProperty = HUBSPOT_OBJECTS[object].stampProperty;
  const out: Normalized[] = [];
  let after: string | undefined;
  do {
    const page = await client.listPage(object, { limit: HUBSPOT_LIMITS.listPage, after, properties, archived: true });
    for (const wire of page.results) {
      const n = normalize(object, stampProperty, wire, true);
      // Malformed archived records have no stamp to compare; only a first full run carries them.
      if (n.stamp === undefined ? start === null : !alreadySeen(start, n.stamp, n.record.remoteId)) out.push(n);
    }
    after = page.nextAfter;
  } while (after);
  return out.sort((a, b) => (a.stamp ?? 0) - (b.stamp ?? 0) || a.record.remoteId.localeCompare(b.record.remoteId));
}
