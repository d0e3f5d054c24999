/**
 * Replication: `GET /sobjects/{T}/updated` and `/deleted` (crm-wire.md §1.5). jsforce sends
 * no trailing slash and `+00:00` offsets; the docs show a slash and `Z`. Salesforce
 * truncates the window to whole minutes and limits how far back it reaches.
 * https://developer.salesforce.com/docs/platform/api-rest/guide/resources-getupdated.html
 */
import { json, type EmulatorResponse } from '../../emulator-kit';
import { formatSfDateTime, parseSfDateTime } from '../dates';
import { restError } from './errors';
import { schemaOf, type Route, type RouteCall } from './org';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function window(call: RouteCall, maxDays: number): { start: number; end: number } | EmulatorResponse {
  // An unencoded `+` arrives as a space; accept it the way a lenient server would.
  const read = (name: string) => parseSfDateTime((call.req.query.get(name) ?? '').replace(' ', '+'));
  const start = read('start');
  const end = read('end');
  if (start === undefined || end === undefined) return restError(400, 'INVALID_REPLICATION_DATE', 'start and end must be valid dateTime values');
  const s = Math.floor(start / MINUTE) * MINUTE;
  const e = Math.floor(end / MINUTE) * MINUTE;
  if (e < s) return restError(400, 'INVALID_REPLICATION_DATE', 'EndDate before StartDate');
  if (s < call.org.clock.now() - maxDays * DAY) return restError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${maxDays} days ago`);
  return { start: s, end: e };
}

function stampOf(value: unknown): number | undefined {
  return typeof value === 'string' ? parseSfDateTime(value) : undefined;
}

function updated(call: RouteCall): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  const w = window(call, 30);
  if ('status' in w) return w;
  const ids = call.org.store
    .all(schema.name)
    .filter((r) => {
      const t = stampOf(r.SystemModstamp);
      return r.IsDeleted !== true && t !== undefined && t >= w.start && t < w.end;
    })
    .map((r) => String(r.Id));
  return json(200, { ids, latestDateCovered: formatSfDateTime(w.end) });
}

function deleted(call: RouteCall): EmulatorResponse {
  const schema = schemaOf(call.org, call.params[0]!);
  const w = window(call, 15);
  if ('status' in w) return w;
  const deletedRecords = call.org.store
    .all(schema.name)
    .filter((r) => {
      const t = stampOf(r.SystemModstamp);
      return r.IsDeleted === true && t !== undefined && t >= w.start && t < w.end;
    })
    .map((r) => ({ id: String(r.Id), deletedDate: String(r.SystemModstamp) }));
  const earliest = Math.floor((call.org.clock.now() - 15 * DAY) / MINUTE) * MINUTE;
  return json(200, { deletedRecords, earliestDateAvailable: formatSfDateTime(earliest), latestDateCovered: formatSfDateTime(w.end) });
}

export const replicationRoutes: Route[] = [
  { method: 'GET', pattern: /^\/sobjects\/(\w+)\/updated\/?$/, handle: updated },
  { method: 'GET', pattern: /^\/sobjects\/(\w+)\/deleted\/?$/, handle: deleted },
];
