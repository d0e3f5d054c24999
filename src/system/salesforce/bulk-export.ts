/**
 * Full export through a Bulk API 2.0 query job: create, poll until JobComplete, then read
 * result pages with `maxRecords` and the `Sforce-Locator` header until it says `null`.
 * CSV carries only text, so values are typed back using the object's describe.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/queries.htm
 */
import { parse } from 'csv-parse/sync';
import { SystemError } from '../errors';
import type { BulkOptions, BulkPage } from '../system-api';
import type { SalesforceRest } from './client';
import { BULK_RESULTS_PAGE } from './descriptor';
import { assertApiName, selectList, toRemoteRecord } from './normalize';
import { BulkJobInfo, Describe, parseWire } from './types';

const POLL_START_MS = 200;
const POLL_MAX_MS = 5_000;
const POLL_TIMEOUT_MS = 30 * 60_000;
const NUMERIC = new Set(['int', 'double', 'currency', 'percent', 'long']);

export type FieldTypes = Map<string, string>;

/** GET /sobjects/{T}/describe: field name → type, used to type CSV cells. */
export async function describeTypes(rest: SalesforceRest, remoteType: string): Promise<FieldTypes> {
  const answer = await rest.get(`/sobjects/${remoteType}/describe`);
  const describe = parseWire(Describe, answer.body, 'describe result');
  return new Map(describe.fields.map((f) => [f.name.toLowerCase(), f.type]));
}

export function typedRow(row: Record<string, string>, types: FieldTypes): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(row)) {
    const type = types.get(name.toLowerCase());
    if (text === '') out[name] = null;
    else if (type === 'boolean') out[name] = text === 'true' ? true : text === 'false' ? false : text;
    else if (type && NUMERIC.has(type) && Number.isFinite(Number(text))) out[name] = Number(text);
    else out[name] = text;
  }
  return out;
}

function parseCsv(text: string): Record<string, string>[] {
  try {
    return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new SystemError('DATA_FORMAT', 'MALFORMED_CSV', `bulk results did not parse as CSV: ${(err as Error).message}`, {}, { cause: err });
  }
}

/** Polls a query or ingest job, backing off from 200 ms to 5 s, until it completes (its info); Failed and Aborted throw. */
export async function waitForJob(rest: SalesforceRest, kind: 'query' | 'ingest', id: string): Promise<{ numberRecordsProcessed?: number }> {
  const deadline = Date.now() + POLL_TIMEOUT_MS;
  for (let wait = POLL_START_MS; ; wait = Math.min(wait * 2, POLL_MAX_MS)) {
    const info = parseWire(BulkJobInfo, (await rest.get(`/jobs/${kind}/${id}`)).body, 'bulk job info');
    if (info.state === 'JobComplete') return info;
    if (info.state === 'Failed' || info.state === 'Aborted')
      throw new SystemError('SERVER', 'BULK_JOB_FAILED', `bulk ${kind} job ${id} ended ${info.state}${info.errorMessage ? `: ${info.errorMessage}` : ''}`);
    // An ingest job left Open was never closed: waiting will not change that.
    if (info.state === 'Open' && kind === 'ingest') throw new SystemError('CONFLICT', 'BULK_JOB_OPEN', `bulk ingest job ${id} is still Open`);
    if (Date.now() > deadline) throw new SystemError('TIMEOUT', 'BULK_JOB_TIMEOUT', `bulk ${kind} job ${id} still ${info.state} after ${POLL_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Where a query job's reading stopped: the job and the locator of its next results page. */
interface QueryResume {
  job: string;
  locator: string;
}

function parseResume(token: string): QueryResume {
  try {
    const value = JSON.parse(token) as Partial<QueryResume>;
    if (typeof value.job === 'string' && /^\w+$/.test(value.job) && typeof value.locator === 'string' && value.locator)
      return { job: value.job, locator: value.locator };
  } catch {
    // Falls through to the typed refusal below.
  }
  throw new SystemError('VALIDATION', 'INVALID_RESUME_TOKEN', 'a Salesforce bulk export resumes from a query job id and results locator');
}

/** A completed query job: its id, and the rows it holds where Salesforce says. */
async function createQueryJob(rest: SalesforceRest, soql: string): Promise<{ id: string; total?: number }> {
  const created = await rest.call({ method: 'POST', path: '/jobs/query', body: { operation: 'query', query: soql }, idempotent: false });
  const job = parseWire(BulkJobInfo, created.body, 'bulk job info');
  return { id: job.id, total: (await waitForJob(rest, 'query', job.id)).numberRecordsProcessed };
}

/**
 * A resume reads on from the job's locator: a completed job's results stay readable for
 * days. A job that is gone (deleted, or expired) answers 404, and the export starts over
 * with a new job. The job is deleted once its last page is read; an export that stops
 * early keeps it, so a later attempt can resume (Salesforce removes it after 7 days).
 */
export async function* bulkExport(rest: SalesforceRest, remoteType: string, options: BulkOptions): AsyncIterable<BulkPage> {
  const select = selectList(options.fields);
  [remoteType, ...select].forEach(assertApiName);
  const from = options.resumeFrom === undefined ? undefined : parseResume(options.resumeFrom);
  const types = await describeTypes(rest, remoteType);
  const soql = `SELECT ${select.join(', ')} FROM ${remoteType}`;
  let jobId: string;
  let locator: string | undefined;
  /** Known for a new job only: a resumed one's pages before the locator were read by an earlier export. */
  let total: number | undefined;
  if (from && (await jobReadable(rest, from.job))) [jobId, locator] = [from.job, from.locator];
  else ({ id: jobId, total } = await createQueryJob(rest, soql));
  const pageSize = options.pageSize ?? BULK_RESULTS_PAGE;
  do {
    const query = `maxRecords=${pageSize}${locator ? `&locator=${encodeURIComponent(locator)}` : ''}`;
    const answer = await rest.get<string>(`/jobs/query/${jobId}/results?${query}`, { accept: 'text/csv' });
    if (typeof answer.body !== 'string' && answer.body !== undefined) throw new SystemError('DATA_FORMAT', 'MALFORMED_RESPONSE', 'bulk results were not CSV');
    const rows = parseCsv(answer.body ?? '');
    const next = answer.headers.get('sforce-locator');
    locator = next && next !== 'null' ? next : undefined;
    const resume = locator ? JSON.stringify({ job: jobId, locator } satisfies QueryResume) : undefined;
    if (rows.length) yield { records: rows.map((row) => toRemoteRecord(remoteType, typedRow(row, types))), resume, total };
  } while (locator);
  // Completed jobs are kept for 7 days otherwise; cleaning up is courtesy, not correctness.
  await rest.call({ method: 'DELETE', path: `/jobs/query/${jobId}` }).catch(() => undefined);
}

/** The job still exists and has completed (a job that is gone answers 404: the caller starts over). */
async function jobReadable(rest: SalesforceRest, id: string): Promise<boolean> {
  try {
    await waitForJob(rest, 'query', id);
    return true;
  } catch (err) {
    if (err instanceof SystemError && err.errorClass === 'NOT_FOUND') return false;
    throw err;
  }
}
