/**
 * POST /crm/v3/objects/{object}/search: live records only; `after` is an offset.
 * https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm
 */
import { json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import type { HubspotObject } from '../descriptor';
import { failureResponse } from './errors';
import { parseSearchRequest, runSearch } from './search';
import type { HubspotState } from './state';
import { present } from './store';
import { isFailure } from './validate';

export function searchRoute(state: HubspotState, object: HubspotObject, req: EmulatorRequest): EmulatorResponse {
  const request = parseSearchRequest(req.json());
  if (isFailure(request)) return failureResponse(request);
  const outcome = runSearch(state.stores[object].live(), object, request);
  if (isFailure(outcome)) return failureResponse(outcome);
  const body: Record<string, unknown> = { total: outcome.total, results: outcome.page.map((row) => present(row, object, request.properties, state.stores[object].properties)) };
  if (outcome.nextAfter !== undefined) body.paging = { next: { after: String(outcome.nextAfter) } };
  return json(200, body);
}
