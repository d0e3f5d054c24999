/**
 * Associations v4 between contacts and companies: create (labelled), create default,
 * list, archive.
 * https://developers.hubspot.com/docs/api-reference/latest/crm/associations/associate-records
 */
import { empty, json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { ASSOCIATION_TYPES, HUBSPOT_OBJECTS, resolveObject, type HubspotObject } from '../descriptor';
import { notFound, validationError } from './errors';
import { isoNow, type HubspotState } from './state';

interface Pair {
  from: HubspotObject;
  to: HubspotObject;
}

function pair(fromName: string, toName: string): Pair | EmulatorResponse {
  const from = resolveObject(fromName);
  const to = resolveObject(toName);
  if (!from || !to || from === to) return validationError(`Associations between ${fromName} and ${toName} are not supported`);
  return { from, to };
}

const isPair = (p: Pair | EmulatorResponse): p is Pair => 'from' in p;

function exists(state: HubspotState, object: HubspotObject, id: string): boolean {
  const row = state.stores[object].get(id);
  return row !== undefined && !row.archived;
}

/** PUT /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId} with `[{associationCategory, associationTypeId}]`. */
export function createLabelled(state: HubspotState, names: [string, string, string, string], req: EmulatorRequest): EmulatorResponse {
  const p = pair(names[0], names[2]);
  if (!isPair(p)) return p;
  const [, fromId, , toId] = names;
  if (!exists(state, p.from, fromId) || !exists(state, p.to, toId)) return notFound(`One or both objects do not exist: ${fromId}, ${toId}`);
  const specs = req.json<unknown>();
  if (!Array.isArray(specs) || specs.length === 0) return validationError('Invalid input JSON: expected an array of association types');
  const typeIds = (specs as Array<{ associationTypeId?: unknown }>).map((s) => Number(s?.associationTypeId));
  if (typeIds.some((t) => !Number.isInteger(t))) return validationError('associationTypeId must be an integer');
  state.associations.add({ object: p.from, id: fromId }, { object: p.to, id: toId }, typeIds);
  return json(201, {
    fromObjectTypeId: HUBSPOT_OBJECTS[p.from].typeId,
    fromObjectId: Number(fromId),
    toObjectTypeId: HUBSPOT_OBJECTS[p.to].typeId,
    toObjectId: Number(toId),
    labels: [],
  });
}

/** PUT /crm/v4/objects/{from}/{fromId}/associations/default/{to}/{toId}: the unlabeled type. */
export function createDefault(state: HubspotState, names: [string, string, string, string]): EmulatorResponse {
  const p = pair(names[0], names[2]);
  if (!isPair(p)) return p;
  const [, fromId, , toId] = names;
  if (!exists(state, p.from, fromId) || !exists(state, p.to, toId)) return notFound(`One or both objects do not exist: ${fromId}, ${toId}`);
  const typeId = p.from === 'contacts' ? ASSOCIATION_TYPES.contactToCompany : ASSOCIATION_TYPES.companyToContact;
  const startedAt = isoNow(state);
  state.associations.add({ object: p.from, id: fromId }, { object: p.to, id: toId }, [typeId]);
  return json(200, {
    status: 'COMPLETE',
    results: [{ from: { id: fromId }, to: { id: toId }, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } }],
    startedAt,
    completedAt: isoNow(state),
  });
}

/** GET /crm/v4/objects/{from}/{fromId}/associations/{to}?limit=500&after=... */
export function listAssociations(state: HubspotState, names: [string, string, string], req: EmulatorRequest): EmulatorResponse {
  const p = pair(names[0], names[2]);
  if (!isPair(p)) return p;
  const limit = req.query.has('limit') ? Number(req.query.get('limit')) : 500;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) return validationError('limit must be between 1 and 500');
  const offset = Number(req.query.get('after') ?? 0) || 0;
  const all = state.associations.list({ object: p.from, id: names[1] }, p.to);
  const page = all.slice(offset, offset + limit);
  const body: Record<string, unknown> = {
    results: page.map((a) => ({
      toObjectId: Number(a.id),
      associationTypes: a.typeIds.map((typeId) => ({ category: 'HUBSPOT_DEFINED', typeId, label: null })),
    })),
  };
  if (offset + limit < all.length) body.paging = { next: { after: String(offset + limit) } };
  return json(200, body);
}

/** DELETE /crm/v4/objects/{from}/{fromId}/associations/{to}/{toId}: removes every type between the pair. */
export function archiveAssociation(state: HubspotState, names: [string, string, string, string]): EmulatorResponse {
  const p = pair(names[0], names[2]);
  if (!isPair(p)) return p;
  state.associations.remove({ object: p.from, id: names[1] }, { object: p.to, id: names[3] });
  return empty(204);
}
