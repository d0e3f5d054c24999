/**
 * Processes an uploaded ingest job row by row against the store and writes the result
 * CSVs with Salesforce's `sf__` columns. In Bulk CSV an empty cell leaves a field alone
 * and `#N/A` sets it to null.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { DELIMITERS, lineBreak, type IngestJob } from './bulk-jobs';
import { sfError } from './errors';
import type { SObjectStore, WriteOutcome } from './store';

type Row = Record<string, string>;

export function processIngest(store: SObjectStore, job: IngestJob): void {
  const delimiter = DELIMITERS[job.columnDelimiter];
  const rows: Row[] = [];
  const columns: string[] = [];
  try {
    for (const upload of job.uploads) {
      const parsed = parse(upload, { columns: true, delimiter, skip_empty_lines: true, bom: true, relax_column_count: false }) as Row[];
      for (const key of parsed.length ? Object.keys(parsed[0]!) : []) if (!columns.includes(key)) columns.push(key);
      rows.push(...parsed);
    }
  } catch (err) {
    job.state = 'Failed';
    job.errorMessage = `InvalidBatch : Failed to parse CSV: ${(err as Error).message}`;
    return;
  }
  const successful: Row[] = [];
  const failed: Row[] = [];
  for (const row of rows) {
    const outcome = applyRow(store, job, row);
    if (outcome.ok) successful.push({ sf__Id: outcome.id, sf__Created: String(outcome.created), ...row });
    else {
      const e = outcome.errors[0]!;
      failed.push({ sf__Id: outcome.id ?? '', sf__Error: `${e.statusCode}:${e.message}:${e.fields.join(',')} --`, ...row });
    }
  }
  const csv = (head: string[], data: Row[]) => stringify(data, { header: true, columns: head, quoted: true, delimiter, record_delimiter: lineBreak(job.lineEnding) });
  job.results = {
    successful: csv(['sf__Id', 'sf__Created', ...columns], successful),
    failed: csv(['sf__Id', 'sf__Error', ...columns], failed),
    unprocessed: csv(columns, []),
  };
  job.processed = rows.length;
  job.failed = failed.length;
  job.state = 'JobComplete';
}

function applyRow(store: SObjectStore, job: IngestJob, row: Row): WriteOutcome {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === '') continue;
    input[k] = v === '#N/A' ? null : v;
  }
  const { Id, ...fields } = input;
  const id = typeof Id === 'string' ? Id : undefined;
  switch (job.operation) {
    case 'insert':
      return store.create(job.object, fields);
    case 'update':
      return id ? store.update(job.object, id, fields) : missing('Id');
    case 'delete':
    case 'hardDelete':
      return id ? store.remove(job.object, id) : missing('Id');
    case 'upsert': {
      const ext = job.externalIdFieldName!;
      if (ext === 'Id') return id ? store.update(job.object, id, fields) : store.create(job.object, fields);
      const key = Object.keys(input).find((k) => k.toLowerCase() === ext.toLowerCase());
      const value = key ? input[key] : undefined;
      return typeof value === 'string' ? store.upsert(job.object, ext, value, fields) : missing(ext);
    }
  }
}

const missing = (field: string): WriteOutcome => ({ ok: false, errors: [sfError('MISSING_ARGUMENT', `${field} not specified`, [field])] });
