/** Dispatches HubSpot paths to route modules after the bearer check. */
import { BadJsonError, bearer, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { resolveObject } from '../descriptor';
import { errorResponse, unauthorized, validationError } from './errors';
import { archiveAssociation, createDefault, createLabelled, listAssociations } from './routes-associations';
import { archiveRecord, createRecord, getRecord, listRecords, updateRecord } from './routes-basic';
import { batchRoute } from './routes-batch';
import { propertiesRoute } from './routes-properties';
import { AUTHORIZE_PATH, authorizePage } from './routes-consent';
import { SANDBOX, tokenRoute } from './routes-oauth';
import { bearerAccepted, TOKEN_INFO_PATH, tokenInfoRoute } from './routes-token-info';
import { searchRoute } from './routes-search';
import type { HubspotState } from './state';

export const TOKEN_PATH = '/oauth/v1/token';

/** The OAuth paths: faults and quotas never touch them. */
export const isOAuthPath = (req: EmulatorRequest): boolean => req.path === TOKEN_PATH || TOKEN_INFO_PATH.test(req.path);
const SEARCH = /^\/crm\/v3\/objects\/[^/]+\/search$/;

export const isSearch = (req: EmulatorRequest): boolean => req.method === 'POST' && SEARCH.test(req.path);

const methodNotAllowed = (req: EmulatorRequest) => errorResponse(405, 'METHOD_NOT_ALLOWED', `${req.method} is not supported on ${req.path}`);

export function route(state: HubspotState, req: EmulatorRequest): EmulatorResponse {
  try {
    if (req.path === TOKEN_PATH) return req.method === 'POST' ? tokenRoute(state, req) : methodNotAllowed(req);
    if (req.path === AUTHORIZE_PATH) return authorizePage(req, state.ctx, SANDBOX.clientId);
    const info = TOKEN_INFO_PATH.exec(req.path);
    if (info) return tokenInfoRoute(state, req, info[1]!, info[2]!);
    if (!bearerAccepted(state, bearer(req.headers.authorization))) return unauthorized();
    return objects(state, req) ?? associations(state, req) ?? propertiesRoute(state, req) ?? errorResponse(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${req.path}`);
  } catch (err) {
    // Malformed request JSON gets HubSpot's 400, never a crash.
    if (err instanceof BadJsonError) return validationError(`Invalid input JSON on line 1: ${err.message}`);
    throw err;
  }
}

function objects(state: HubspotState, req: EmulatorRequest): EmulatorResponse | undefined {
  const m = /^\/crm\/v3\/objects\/([^/]+)(?:\/(.+))?$/.exec(req.path);
  if (!m) return undefined;
  const object = resolveObject(m[1]!);
  if (!object) return errorResponse(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${m[1]}`);
  const rest = m[2];
  if (rest === undefined) {
    if (req.method === 'GET') return listRecords(state, object, req);
    if (req.method === 'POST') return createRecord(state, object, req);
    return methodNotAllowed(req);
  }
  if (rest === 'search') return req.method === 'POST' ? searchRoute(state, object, req) : methodNotAllowed(req);
  const batch = /^batch\/([a-z]+)$/.exec(rest);
  if (batch) return req.method === 'POST' ? batchRoute(state, object, batch[1]!, req) : methodNotAllowed(req);
  if (rest.includes('/')) return undefined;
  if (req.method === 'GET') return getRecord(state, object, rest, req);
  if (req.method === 'PATCH') return updateRecord(state, object, rest, req);
  if (req.method === 'DELETE') return archiveRecord(state, object, rest);
  return methodNotAllowed(req);
}

function associations(state: HubspotState, req: EmulatorRequest): EmulatorResponse | undefined {
  const def = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/default\/([^/]+)\/([^/]+)$/.exec(req.path);
  if (def) return req.method === 'PUT' ? createDefault(state, [def[1]!, def[2]!, def[3]!, def[4]!]) : methodNotAllowed(req);
  const one = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)\/([^/]+)$/.exec(req.path);
  if (one) {
    const names: [string, string, string, string] = [one[1]!, one[2]!, one[3]!, one[4]!];
    if (req.method === 'PUT') return createLabelled(state, names, req);
    if (req.method === 'DELETE') return archiveAssociation(state, names);
    return methodNotAllowed(req);
  }
  const list = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)$/.exec(req.path);
  if (list) return req.method === 'GET' ? listAssociations(state, [list[1]!, list[2]!, list[3]!], req) : methodNotAllowed(req);
  return undefined;
}
