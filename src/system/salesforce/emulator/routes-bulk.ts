/**
 * Bulk API 2.0 routes (crm-wire.md §1.7). Ingest jobs are processed when first polled
 * after `UploadComplete`; query jobs run at creation and report `JobComplete` on the first
 * poll. Results pages always carry `Sforce-Locator` (`null` on the last page) and a request
 * without `maxRecords` gets every remaining row, because jsforce breaks on multi-page results.
 * https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_job_results.htm
 */
import { stringify } from 'csv-stringify/sync';
import { empty, json, type EmulatorResponse } from '../../emulator-kit';
import { processIngest } from './bulk-ingest';
import { DELIMITERS, ingestInfo, INGEST_OPERATIONS, lineBreak, queryInfo, type ColumnDelimiter, type IngestJob, type IngestOperation, type LineEnding, type QueryJob } from './bulk-jobs';
import { restError, SfHttpError } from './errors';
import { readObject, type Route, type RouteCall } from './org';
import { executeSoql } from './routes-query';

function format(body: Record<string, unknown>): { lineEnding: LineEnding; columnDelimiter: ColumnDelimiter } {
  const lineEnding = body.lineEnding ?? 'LF';
  const columnDelimiter = body.columnDelimiter ?? 'COMMA';
  if (lineEnding !== 'LF' && lineEnding !== 'CRLF') throw SfHttpError.of(400, 'INVALIDJOB', `InvalidJob : Invalid lineEnding: ${String(lineEnding)}`);
  if (typeof columnDelimiter !== 'string' || !(columnDelimiter in DELIMITERS)) throw SfHttpError.of(400, 'INVALIDJOB', `InvalidJob : Invalid columnDelimiter: ${String(columnDelimiter)}`);
  return { lineEnding, columnDelimiter: columnDelimiter as ColumnDelimiter };
}

function find<J>(jobs: Map<string, J>, id: string): J {
  const job = jobs.get(id);
  if (!job) throw SfHttpError.of(404, 'NOT_FOUND', 'The requested resource does not exist');
  return job;
}

/** Looking at an ingest job after UploadComplete is what processes it. */
function ingestJob(call: RouteCall): IngestJob {
  const job = find(call.org.jobs.ingest, call.params[0]!);
  if (job.state === 'UploadComplete') processIngest(call.org.store, job);
  return job;
}

function queryJob(call: RouteCall): QueryJob {
  const job = find(call.org.jobs.query, call.params[0]!);
  if (job.state === 'UploadComplete') job.state = 'JobComplete';
  return job;
}

function createIngest(call: RouteCall): EmulatorResponse {
  const body = readObject(call.req);
  const schema = typeof body.object === 'string' ? call.org.store.schema(body.object) : undefined;
  if (!schema) return restError(400, 'INVALIDENTITY', `Entity '${String(body.object)}' is not supported by the Bulk API.`);
  if (!INGEST_OPERATIONS.includes(body.operation as IngestOperation)) return restError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(body.operation)}`);
  if (body.contentType !== undefined && body.contentType !== 'CSV') return restError(400, 'INVALIDJOB', 'InvalidJob : contentType must be CSV');
  let externalIdFieldName: string | undefined;
  if (body.operation === 'upsert') {
    const def = typeof body.externalIdFieldName === 'string' ? schema.field(body.externalIdFieldName) : undefined;
    if (!def || !(def.externalId || def.name === 'Id')) return restError(400, 'INVALIDJOB', `InvalidJob : External ID was blank or not an external id field for upsert: ${String(body.externalIdFieldName)}`);
    externalIdFieldName = def.name;
  }
  const now = call.org.clock.now();
  const job: IngestJob = {
    kind: 'ingest',
    id: call.org.jobs.nextId('ingest'),
    object: schema.name,
    operation: body.operation as IngestOperation,
    externalIdFieldName,
    state: 'Open',
    uploads: [],
    processed: 0,
    failed: 0,
    createdAt: now,
    modifiedAt: now,
    apiVersion: call.version,
    ...format(body),
  };
  call.org.jobs.ingest.set(job.id, job);
  return json(200, ingestInfo(job));
}

function upload(call: RouteCall): EmulatorResponse {
  const job = ingestJob(call);
  if (job.state !== 'Open') return restError(409, 'INVALIDJOBSTATE', 'Unable to upload data for a job that is not in the Open state.');
  if (!String(call.req.headers['content-type'] ?? '').includes('text/csv')) return restError(400, 'INVALIDJOB', 'InvalidJob : Content-Type must be text/csv');
  // Bulk 2.0 takes one upload per job; Salesforce refuses a second PUT in these words.
  if (job.uploads.length)
    return restError(
      400,
      'BULK_API_ERROR',
      `Found multiple contents for job: <${job.id}>, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and make sure you only do 'PUT' once on a given Job.`,
    );
  job.uploads.push(call.req.text());
  return empty(201);
}

function changeState(call: RouteCall, job: IngestJob | QueryJob, info: () => Record<string, unknown>): EmulatorResponse {
  const { state } = readObject(call.req);
  const open = job.kind === 'ingest' ? job.state === 'Open' : false;
  if (state === 'UploadComplete' && open) job.state = 'UploadComplete';
  else if (state === 'Aborted' && (open || job.state === 'UploadComplete' || job.state === 'InProgress')) job.state = 'Aborted';
  else return restError(400, 'INVALIDJOBSTATE', `Cannot change state from ${job.state} to ${String(state)}`);
  job.modifiedAt = call.org.clock.now();
  return json(200, info());
}

function ingestResult(call: RouteCall, which: 'successful' | 'failed' | 'unprocessed'): EmulatorResponse {
  const job = ingestJob(call);
  if (!job.results) return restError(400, 'INVALIDJOBSTATE', `Job ${job.id} is in state ${job.state}; results are not available.`);
  return { status: 200, headers: { 'content-type': 'text/csv' }, body: job.results[which] };
}

function createQuery(call: RouteCall): EmulatorResponse {
  const body = readObject(call.req);
  const operation = body.operation ?? 'query';
  if (operation !== 'query' && operation !== 'queryAll') return restError(400, 'INVALIDJOB', `InvalidJob : Invalid operation: ${String(operation)}`);
  if (typeof body.query !== 'string') return restError(400, 'INVALIDJOB', 'InvalidJob : query is required');
  const { rows, object, columns } = executeSoql(call.org, body.query, operation === 'queryAll');
  const now = call.org.clock.now();
  const job: QueryJob = { kind: 'query', id: call.org.jobs.nextId('query'), object, operation, query: body.query, state: 'UploadComplete', columns, rows, createdAt: now, modifiedAt: now, apiVersion: call.version, ...format(body) };
  call.org.jobs.query.set(job.id, job);
  return json(200, queryInfo(job));
}

/** Locators are opaque to clients; Salesforce's look like base64 of the row offset. */
const encodeLocator = (offset: number) => Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
const decodeLocator = (loc: string) => (/^[A-Za-z0-9+/]+$/.test(loc) ? Number(Buffer.from(loc, 'base64').toString('utf8')) : NaN);

function queryResults(call: RouteCall): EmulatorResponse {
  const job = queryJob(call);
  if (job.state !== 'JobComplete') return restError(400, 'INVALIDJOBSTATE', `Job ${job.id} is in state ${job.state}`);
  const loc = call.req.query.get('locator');
  const offset = loc ? decodeLocator(loc) : 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > job.rows.length) return restError(400, 'INVALID_LOCATOR', `Invalid locator: ${loc}`);
  const maxParam = call.req.query.get('maxRecords');
  const max = maxParam === null ? Infinity : Number(maxParam);
  if (!(max > 0)) return restError(400, 'INVALIDPARAMETER', `maxRecords must be a positive integer: ${maxParam}`);
  const end = Math.min(job.rows.length, offset + max);
  const slice = job.rows.slice(offset, end).map((r) => job.columns.map((c) => cell(r[c])));
  const body = stringify(slice, { header: true, columns: job.columns, quoted: true, delimiter: DELIMITERS[job.columnDelimiter], record_delimiter: lineBreak(job.lineEnding) });
  return {
    status: 200,
    headers: { 'content-type': 'text/csv', 'sforce-locator': end < job.rows.length ? encodeLocator(end) : 'null', 'sforce-numberofrecords': String(end - offset) },
    body,
  };
}

const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

export const bulkRoutes: Route[] = [
  { method: 'POST', pattern: /^\/jobs\/ingest\/?$/, handle: createIngest },
  { method: 'GET', pattern: /^\/jobs\/ingest\/?$/, handle: (c) => json(200, { done: true, records: [...c.org.jobs.ingest.values()].map(ingestInfo), nextRecordsUrl: null }) },
  { method: 'PUT', pattern: /^\/jobs\/ingest\/(\w+)\/batches\/?$/, handle: upload },
  { method: 'GET', pattern: /^\/jobs\/ingest\/(\w+)\/?$/, handle: (c) => json(200, ingestInfo(ingestJob(c))) },
  {
    method: 'PATCH',
    pattern: /^\/jobs\/ingest\/(\w+)\/?$/,
    handle: (c) => {
      const job = find(c.org.jobs.ingest, c.params[0]!);
      return changeState(c, job, () => ingestInfo(job));
    },
  },
  { method: 'DELETE', pattern: /^\/jobs\/ingest\/(\w+)\/?$/, handle: (c) => (find(c.org.jobs.ingest, c.params[0]!), c.org.jobs.ingest.delete(c.params[0]!), empty(204)) },
  { method: 'GET', pattern: /^\/jobs\/ingest\/(\w+)\/successfulResults\/?$/, handle: (c) => ingestResult(c, 'successful') },
  { method: 'GET', pattern: /^\/jobs\/ingest\/(\w+)\/failedResults\/?$/, handle: (c) => ingestResult(c, 'failed') },
  { method: 'GET', pattern: /^\/jobs\/ingest\/(\w+)\/unprocessedrecords\/?$/, handle: (c) => ingestResult(c, 'unprocessed') },
  { method: 'POST', pattern: /^\/jobs\/query\/?$/, handle: createQuery },
  { method: 'GET', pattern: /^\/jobs\/query\/?$/, handle: (c) => json(200, { done: true, records: [...c.org.jobs.query.values()].map(queryInfo), nextRecordsUrl: null }) },
  { method: 'GET', pattern: /^\/jobs\/query\/(\w+)\/?$/, handle: (c) => json(200, queryInfo(queryJob(c))) },
  {
    method: 'PATCH',
    pattern: /^\/jobs\/query\/(\w+)\/?$/,
    handle: (c) => {
      const job = find(c.org.jobs.query, c.params[0]!);
      return changeState(c, job, () => queryInfo(job));
    },
  },
  { method: 'DELETE', pattern: /^\/jobs\/query\/(\w+)\/?$/, handle: (c) => (find(c.org.jobs.query, c.params[0]!), c.org.jobs.query.delete(c.params[0]!), empty(204)) },
  { method: 'GET', pattern: /^\/jobs\/query\/(\w+)\/results\/?$/, handle: queryResults },
];
