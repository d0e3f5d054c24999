/**
 * GET on an entity set: `$select`, `$filter`, `$orderby`, `$top`, `$count`, paging with
 * `Prefer: odata.maxpagesize` and `@odata.nextLink`, and change tracking
 * (`Prefer: odata.track-changes` → `@odata.deltaLink`; the delta lists changed rows, then
 * `$deletedEntity` rows).
 * https://learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems
 */
import { json, type EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import { CODES, ODATA_HEADERS, badRequest } from './errors';
import { FilterSyntaxError, parseFilter, parseOrderBy } from './odata-filter';
import { linkQuery, pageSizeOf, readCookie, readDeltaToken, writeCookie, writeDeltaToken, type PageCookie } from './paging';
import { present, selected } from './present';
import { preferences, type DataRequest } from './request';
import type { DataverseState } from './state';

const TRACKING_REJECTS = ['$filter', '$orderby', '$top', '$expand'];

export function queryRows(state: DataverseState, set: DataverseEntitySet, req: DataRequest): EmulatorResponse {
  const prefs = preferences(req.headers.prefer);
  const select = selected(req.query);
  const known = (c: string) => c in state.columns[set];
  const unknown = select?.find((c) => !known(c));
  if (unknown) return badRequest(CODES.badSegment, `Could not find a property named '${unknown}' on type 'Microsoft.Dynamics.CRM.${DATAVERSE_ENTITIES[set].logicalName}'.`);
  const skip = req.query.get('$skiptoken');
  const cookie = skip ? readCookie(skip) : undefined;
  if (skip && !cookie) return badRequest(CODES.invalidArgument, 'The $skiptoken is not a valid paging cookie.');
  const deltaText = req.query.get('$deltatoken');
  const tracking = prefs.trackChanges || deltaText !== null || cookie?.tracking === true;
  const applied = [...(prefs.maxPageSize ? [`odata.maxpagesize=${pageSizeOf(prefs.maxPageSize)}`] : []), ...(prefs.trackChanges ? ['odata.track-changes'] : [])];
  const headers: Record<string, string> = { ...ODATA_HEADERS, ...(applied.length ? { 'Preference-Applied': applied.join(',') } : {}) };
  try {
    if (tracking) {
      const rejected = TRACKING_REJECTS.find((o) => req.query.has(o));
      if (rejected) return badRequest(CODES.invalidArgument, `The ${rejected} query option is not supported with change tracking.`);
      return trackedPage(state, set, req, select, cookie, deltaText, headers);
    }
    return plainPage(state, set, req, select, cookie, headers, known);
  } catch (err) {
    if (err instanceof FilterSyntaxError) return badRequest(CODES.badSegment, err.message);
    throw err;
  }
}

/** The query parameters a link repeats, with the given token replacing any old one. */
function link(req: DataRequest, set: DataverseEntitySet, token: [string, string]): string {
  const params: Array<[string, string]> = [];
  for (const [k, v] of req.query) if (k !== '$skiptoken' && k !== '$deltatoken') params.push([k, v]);
  params.push(token);
  return `${req.root}${set}?${linkQuery(params)}`;
}

function context(req: DataRequest, set: DataverseEntitySet, select: string[] | undefined, delta = false): string {
  return `${req.root}$metadata#${set}${select?.length ? `(${select.join(',')})` : ''}${delta ? '/$delta' : ''}`;
}

function plainPage(
  state: DataverseState,
  set: DataverseEntitySet,
  req: DataRequest,
  select: string[] | undefined,
  cookie: PageCookie | undefined,
  headers: Record<string, string>,
  known: (c: string) => boolean,
): EmulatorResponse {
  const prefs = preferences(req.headers.prefer);
  const filterText = req.query.get('$filter');
  const orderText = req.query.get('$orderby');
  const predicate = filterText ? parseFilter(filterText, known) : () => true;
  const key = DATAVERSE_ENTITIES[set].key;
  // Dataverse's default order is by primary key.
  const order = orderText ? parseOrderBy(orderText, known) : (a: Record<string, unknown>, b: Record<string, unknown>) => String(a[key]).localeCompare(String(b[key]));
  const rows = state.stores[set]
    .all()
    .filter((r) => predicate(r.body))
    .sort((a, b) => order(a.body, b.body) || a.key.localeCompare(b.key));
  const top = Number(req.query.get('$top'));
  // With both $top and odata.maxpagesize, $top is ignored (crm-wire §3).
  const limit = !prefs.maxPageSize && Number.isInteger(top) && top > 0 ? Math.min(top, rows.length) : rows.length;
  const size = pageSizeOf(prefs.maxPageSize);
  const offset = cookie?.offset ?? 0;
  const page = rows.slice(offset, Math.min(offset + size, limit));
  const body: Record<string, unknown> = { '@odata.context': context(req, set, select) };
  if (req.query.get('$count') === 'true') body['@odata.count'] = Math.min(limit, 5000);
  body.value = page.map((r) => present(set, r, select));
  if (offset + size < limit) {
    const next: PageCookie = { page: (cookie?.page ?? 1) + 1, tracking: false, offset: offset + size, since: 0, upTo: 0, after: 0, phase: 'rows' };
    body['@odata.nextLink'] = link(req, set, ['$skiptoken', writeCookie(next)]);
  }
  return json(200, body, headers);
}

function trackedPage(
  state: DataverseState,
  set: DataverseEntitySet,
  req: DataRequest,
  select: string[] | undefined,
  cookie: PageCookie | undefined,
  deltaText: string | null,
  headers: Record<string, string>,
): EmulatorResponse {
  let since = cookie?.since ?? 0;
  if (!cookie && deltaText !== null) {
    const parsed = readDeltaToken(deltaText);
    if (parsed === undefined) return badRequest(CODES.invalidArgument, `The delta token '${deltaText.slice(0, 40)}' is not valid.`);
    since = parsed;
  }
  // A round covers the versions that existed when it started; later changes go to the next delta.
  const upTo = cookie?.upTo ?? state.versions.value;
  const after = cookie?.after ?? since;
  const phase = cookie?.phase ?? 'rows';
  const size = pageSizeOf(preferences(req.headers.prefer).maxPageSize);
  const store = state.stores[set];
  const out: Array<{ version: number; item: Record<string, unknown>; deleted: boolean }> = [];
  if (phase === 'rows') {
    const rows = store
      .all()
      .filter((r) => r.version > after && r.version <= upTo)
      .sort((a, b) => a.version - b.version);
    for (const r of rows) out.push({ version: r.version, item: present(set, r, select), deleted: false });
  }
  // The first (initial) round reports no deletions: there is nothing the client holds yet.
  if (since > 0) {
    const afterDeleted = phase === 'deleted' ? after : since;
    for (const t of store.tombstonesBetween(afterDeleted, upTo).sort((a, b) => a.version - b.version)) {
      out.push({ version: t.version, item: { '@odata.context': `${req.root}$metadata#${set}/$deletedEntity`, id: t.id, reason: 'deleted' }, deleted: true });
    }
  }
  const page = out.slice(0, size);
  const body: Record<string, unknown> = { '@odata.context': context(req, set, select, since > 0), value: page.map((p) => p.item) };
  if (out.length > size) {
    const last = page[page.length - 1]!;
    const next: PageCookie = { page: (cookie?.page ?? 1) + 1, tracking: true, offset: 0, since, upTo, after: last.version, phase: 'rows' };
    // A page that ends before the first deletion continues with the deletions from the start.
    if (out[size]!.deleted) next.phase = 'deleted';
    if (out[size]!.deleted && !last.deleted) next.after = since;
    body['@odata.nextLink'] = link(req, set, ['$skiptoken', writeCookie(next)]);
  } else {
    body['@odata.deltaLink'] = link(req, set, ['$deltatoken', writeDeltaToken(upTo, state.ctx.clock.now())]);
  }
  return json(200, body, headers);
}
