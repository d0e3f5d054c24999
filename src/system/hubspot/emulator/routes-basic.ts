/**
 * Basic object endpoints: list, read, create, update, archive.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/basic/get-crm-v3-objects-contacts
 */
import { empty, json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { HUBSPOT_LIMITS, type HubspotObject } from '../descriptor';
import { failureResponse, notFound, validationError } from './errors';
import { flag, requestedProperties, type HubspotState } from './state';
import { present, propertiesOf, type ObjectStore, type StoredRecord } from './store';
import { coerceProperties, isFailure } from './validate';

/** Finds a record by id or by a unique property, among live or (archived=true) archived records. */
export function lookup(store: ObjectStore, id: string, idProperty: string | undefined, archived: boolean): StoredRecord | undefined {
  if (!idProperty || idProperty === 'hs_object_id') {
    const row = store.get(id);
    return row && row.archived === archived ? row : undefined;
  }
  const wanted = idProperty === 'email' ? id.toLowerCase() : id;
  return store.all().find((row) => {
    if (row.archived !== archived) return false;
    const v = propertiesOf(row)[idProperty];
    return typeof v === 'string' && (idProperty === 'email' ? v.toLowerCase() : v) === wanted;
  });
}

/** Write answers carry every stored property, as HubSpot's do. */
export const full = (row: StoredRecord, object: HubspotObject) => present(row, object, Object.keys(propertiesOf(row)));

export function listRecords(state: HubspotState, object: HubspotObject, req: EmulatorRequest): EmulatorResponse {
  const limit = req.query.has('limit') ? Number(req.query.get('limit')) : 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > HUBSPOT_LIMITS.listPage)
    return validationError(`limit must be between 1 and ${HUBSPOT_LIMITS.listPage}`);
  const after = req.query.get('after');
  const afterSeq = after ? Number(after) : 0;
  if (!Number.isInteger(afterSeq) || afterSeq < 0) return validationError(`Invalid paging cursor: ${after}`);
  const archived = flag(req, 'archived');
  const rows = state.stores[object]
    .all()
    .filter((r) => r.archived === archived && r.seq > afterSeq)
    .sort((a, b) => a.seq - b.seq);
  const page = rows.slice(0, limit);
  const properties = requestedProperties(req.query);
  const body: Record<string, unknown> = { results: page.map((r) => present(r, object, properties, state.stores[object].properties)) };
  if (rows.length > limit) {
    const next = String(page[page.length - 1]!.seq);
    body.paging = { next: { after: next, link: `http://${req.headers.host ?? '127.0.0.1'}${req.url.pathname}?after=${next}` } };
  }
  return json(200, body);
}

export function getRecord(state: HubspotState, object: HubspotObject, id: string, req: EmulatorRequest): EmulatorResponse {
  const row = lookup(state.stores[object], id, req.query.get('idProperty') ?? undefined, flag(req, 'archived'));
  return row ? json(200, present(row, object, requestedProperties(req.query), state.stores[object].properties)) : notFound();
}

export function createRecord(state: HubspotState, object: HubspotObject, req: EmulatorRequest): EmulatorResponse {
  const body = req.json<{ properties?: unknown; associations?: unknown }>();
  const props = coerceProperties(body?.properties);
  if (isFailure(props)) return failureResponse(props);
  const row = state.stores[object].create(props);
  if (isFailure(row)) return failureResponse(row);
  addInlineAssociations(state, object, row.key, body?.associations);
  return json(201, full(row, object));
}

export function updateRecord(state: HubspotState, object: HubspotObject, id: string, req: EmulatorRequest): EmulatorResponse {
  const body = req.json<{ properties?: unknown }>();
  const props = coerceProperties(body?.properties);
  if (isFailure(props)) return failureResponse(props);
  const store = state.stores[object];
  const row = lookup(store, id, req.query.get('idProperty') ?? undefined, false);
  if (!row) return notFound();
  const updated = store.update(row, props);
  return isFailure(updated) ? failureResponse(updated) : json(200, full(updated, object));
}

/** Archiving an unknown or already archived id still answers 204, as HubSpot does. */
export function archiveRecord(state: HubspotState, object: HubspotObject, id: string): EmulatorResponse {
  const row = state.stores[object].get(id);
  if (row) state.stores[object].archive(row);
  return empty(204);
}

/** `associations` on create: `[{ to: { id }, types: [{ associationCategory, associationTypeId }] }]`. */
export function addInlineAssociations(state: HubspotState, object: HubspotObject, id: string, associations: unknown): void {
  if (!Array.isArray(associations)) return;
  const other: HubspotObject = object === 'contacts' ? 'companies' : 'contacts';
  for (const a of associations as Array<{ to?: { id?: unknown }; types?: Array<{ associationTypeId?: unknown }> }>) {
    const toId = a?.to?.id;
    if ((typeof toId !== 'string' && typeof toId !== 'number') || !state.stores[other].get(String(toId))) continue;
    const typeIds = (a.types ?? []).map((t) => Number(t?.associationTypeId)).filter((n) => Number.isInteger(n));
    state.associations.add({ object, id }, { object: other, id: String(toId) }, typeIds);
  }
}
