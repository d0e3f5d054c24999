/**
 * Paging and change-tracking tokens. Real Dataverse puts a paging cookie in `$skiptoken`
 * and `<version>!<date>` in `$deltatoken`; the emulator keeps that look and stores its own
 * state in the cookie's attributes.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/query/page-results
 */
import { DATAVERSE_LIMITS } from '../descriptor';

export interface PageCookie {
  page: number;
  tracking: boolean;
  /** Untracked queries: rows already delivered. */
  offset: number;
  /** Tracked: versions (since, upTo] are in this round; `after` is the last version delivered. */
  since: number;
  upTo: number;
  after: number;
  phase: 'rows' | 'deleted';
}

export function writeCookie(c: PageCookie): string {
  const attrs = c.tracking ? `since="${c.since}" upto="${c.upTo}" after="${c.after}" phase="${c.phase}"` : `offset="${c.offset}"`;
  return `<cookie pagenumber="${c.page}" ${attrs} istracking="${c.tracking ? 'True' : 'False'}" />`;
}

export function readCookie(text: string): PageCookie | undefined {
  if (!/^<cookie\b/.test(text)) return undefined;
  const attr = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(text)?.[1];
  const num = (name: string) => Number(attr(name) ?? 0);
  const phase = attr('phase') === 'deleted' ? 'deleted' : 'rows';
  return { page: num('pagenumber'), tracking: attr('istracking') === 'True', offset: num('offset'), since: num('since'), upTo: num('upto'), after: num('after'), phase };
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `919042!08/22/2017 08:10:44`, as Dataverse writes delta tokens. */
export function writeDeltaToken(version: number, now: number): string {
  const d = new Date(now);
  return `${version}!${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

export function readDeltaToken(text: string): number | undefined {
  const m = /^(\d+)!/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The page size in effect: `odata.maxpagesize` clamped to 5,000, the default. */
export const pageSizeOf = (requested: number | undefined): number => Math.min(requested ?? DATAVERSE_LIMITS.maxPageSize, DATAVERSE_LIMITS.maxPageSize);

/** `$name=value` pairs with the OData `$` left readable and `!` escaped, as Dataverse writes its links. */
export function linkQuery(params: Array<[string, string]>): string {
  return params.map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/!/g, '%21')}`).join('&');
}
