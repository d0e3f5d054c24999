/** Dispatches Dataverse paths: the token endpoint, then (after the bearer check) the data API. */
import { randomUUID } from 'node:crypto';
import { BadJsonError, bearer, json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, type DataverseEntitySet } from '../descriptor';
import { CODES, ODATA_HEADERS, badRequest, dataverseError, unauthorized } from './errors';
import { batchRoute } from './routes-batch';
import { AUTHORIZE_PATH, authorizePage } from './routes-consent';
import { SANDBOX, tokenRoute } from './routes-oauth';
import { isMetadataRequest, metadataRoute } from './routes-metadata';
import { queryRows } from './routes-query';
import { createRow, deleteRow, getRow, updateRow } from './routes-records';
import { splitResource, type DataRequest } from './request';
import type { DataverseState } from './state';

export const TOKEN_PATH = /^\/[^/]+\/oauth2\/v2\.0\/token$/;
const DATA_PATH = /^\/api\/data\/v(\d+\.\d+)\/(.*)$/;

const ORG_IDS = { BusinessUnitId: randomUUID(), UserId: randomUUID(), OrganizationId: randomUUID() };

const methodNotAllowed = (req: { method: string }) => dataverseError(405, CODES.badSegment, `The HTTP method '${req.method}' is not supported here.`);

export function route(state: DataverseState, req: EmulatorRequest): EmulatorResponse {
  if (TOKEN_PATH.test(req.path)) return req.method === 'POST' ? tokenRoute(state, req) : methodNotAllowed(req);
  if (AUTHORIZE_PATH.test(req.path)) return authorizePage(req, state.ctx, SANDBOX.clientId);
  const data = DATA_PATH.exec(req.path);
  if (!data) return dataverseError(404, CODES.badSegment, `Resource not found for the segment '${req.path}'.`);
  if (!state.ctx.tokens.isValid(bearer(req.headers.authorization), state.ctx.clock.now())) return unauthorized();
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const dataReq: DataRequest = {
    method: req.method,
    resource: data[2]!,
    query: req.query,
    headers,
    body: req.text(),
    root: `http://${req.headers.host ?? '127.0.0.1'}/api/data/v${data[1]}/`,
  };
  const handle = (r: DataRequest) => dataRoute(state, r);
  if (dataReq.resource === '$batch') return req.method === 'POST' ? batchRoute(state, dataReq, handle) : methodNotAllowed(req);
  return handle(dataReq);
}

/** One data request; `$batch` parts come through here too. */
export function dataRoute(state: DataverseState, req: DataRequest): EmulatorResponse {
  try {
    if (req.resource === 'WhoAmI') return req.method === 'GET' ? json(200, { '@odata.context': `${req.root}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`, ...ORG_IDS }, { ...ODATA_HEADERS }) : methodNotAllowed(req);
    if (isMetadataRequest(req.resource)) return metadataRoute(state, req);
    const parts = splitResource(req.resource);
    if (!parts || !(parts.set in DATAVERSE_ENTITIES)) return dataverseError(404, CODES.badSegment, `Resource not found for the segment '${req.resource.split('(')[0]}'.`);
    const set = parts.set as DataverseEntitySet;
    if (parts.key === undefined) {
      if (req.method === 'GET') return queryRows(state, set, req);
      if (req.method === 'POST') return createRow(state, set, req);
      return methodNotAllowed(req);
    }
    if (req.method === 'GET') return getRow(state, set, parts.key, req);
    if (req.method === 'PATCH') return updateRow(state, set, parts.key, req);
    if (req.method === 'DELETE') return deleteRow(state, set, parts.key);
    return methodNotAllowed(req);
  } catch (err) {
    // Malformed request JSON gets Dataverse's 400, never a crash.
    if (err instanceof BadJsonError) return badRequest(CODES.badBody, `Error identified in Payload provided by the user for Entity :'${req.resource.split('(')[0]}': ${err.message}`);
    throw err;
  }
}
