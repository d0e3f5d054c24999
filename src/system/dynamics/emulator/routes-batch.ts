/**
 * POST $batch: multipart/mixed with change sets (atomic: the first failing request rolls
 * the set back and is the only answer for it), at most 1,000 requests, part URLs absolute,
 * root-relative or relative to the data root, `$n` Content-ID references inside a set,
 * `Prefer: odata.continue-on-error`.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_LIMITS } from '../descriptor';
import { boundaryOf, readBatchRequest, writeBatchResponse, type BatchEntry, type BatchPartRequest, type BatchPartResponse } from '../multipart';
import { CODES, badRequest } from './errors';
import { preferences, type DataRequest } from './request';
import { snapshotAll, type DataverseState } from './state';

export type DataHandler = (req: DataRequest) => EmulatorResponse;

export function batchRoute(state: DataverseState, req: DataRequest, handle: DataHandler): EmulatorResponse {
  const boundary = boundaryOf(req.headers['content-type']);
  if (!boundary) return badRequest(CODES.invalidArgument, 'The batch request must have a multipart/mixed Content-Type with a boundary.');
  let entries: BatchEntry<BatchPartRequest>[];
  try {
    entries = readBatchRequest(req.body, boundary);
  } catch (err) {
    return badRequest(CODES.badBody, (err as Error).message);
  }
  const count = entries.reduce((n, e) => n + ('single' in e ? 1 : e.changeset.length), 0);
  if (count > DATAVERSE_LIMITS.batchRequests)
    return badRequest(CODES.invalidArgument, `Number of requests in the batch (${count}) exceeded the limit of ${DATAVERSE_LIMITS.batchRequests}.`);
  if (entries.some((e) => 'changeset' in e && e.changeset.some((p) => p.method === 'GET')))
    return badRequest(CODES.invalidArgument, 'A change set cannot contain a GET request.');
  const continueOnError = preferences(req.headers.prefer).continueOnError;
  const out: BatchEntry<BatchPartResponse>[] = [];
  for (const entry of entries) {
    if ('single' in entry) {
      const answer = toPart(handle(partRequest(req, entry.single, new Map())), entry.single.contentId);
      out.push({ single: answer });
      if (answer.status >= 400 && !continueOnError) break;
      continue;
    }
    const rollback = snapshotAll(state);
    const refs = new Map<string, string>();
    const answers: BatchPartResponse[] = [];
    let failure: BatchPartResponse | undefined;
    for (const part of entry.changeset) {
      const answer = toPart(handle(partRequest(req, part, refs)), part.contentId);
      if (answer.status >= 400) {
        failure = answer;
        break;
      }
      const entityId = answer.headers['OData-EntityId'];
      if (part.contentId !== undefined && entityId) refs.set(part.contentId, entityId);
      answers.push(answer);
    }
    if (failure) {
      rollback();
      out.push({ single: failure });
      if (!continueOnError) break;
    } else out.push({ changeset: answers });
  }
  const written = writeBatchResponse(out, randomUUID());
  return { status: 200, headers: { 'content-type': written.contentType, 'OData-Version': '4.0' }, body: written.body };
}

/** Resolves a part's URL (absolute, `/api/data/…`, relative, or `$n/…`) into a data request. */
function partRequest(outer: DataRequest, part: BatchPartRequest, refs: Map<string, string>): DataRequest {
  let url = part.url;
  const ref = /^\$(\w+)(.*)$/.exec(url);
  if (ref && refs.has(ref[1]!)) url = refs.get(ref[1]!)! + ref[2]!;
  const root = new URL(outer.root);
  const absolute = new URL(url, /^\//.test(url) ? root.origin : outer.root);
  const path = decodeURIComponent(absolute.pathname);
  const m = /^\/api\/data\/v\d+\.\d+\/(.*)$/.exec(path);
  return {
    method: part.method.toUpperCase(),
    resource: m ? m[1]! : path.replace(/^\//, ''),
    query: absolute.searchParams,
    headers: part.headers,
    body: part.body ?? '',
    root: outer.root,
  };
}

function toPart(answer: EmulatorResponse, contentId: string | undefined): BatchPartResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(answer.headers ?? {})) headers[k.toLowerCase() === 'content-type' ? 'Content-Type' : k] = v;
  let body: string | undefined;
  if (typeof answer.body === 'string') body = answer.body;
  else if (answer.body !== undefined && answer.body !== null) {
    body = JSON.stringify(answer.body);
    headers['Content-Type'] ??= 'application/json; odata.metadata=minimal';
  }
  return { status: answer.status, headers, body, contentId };
}
