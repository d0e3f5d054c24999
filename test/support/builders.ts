/**
 * Record builders: rows written straight with SQL (connections, companies, contacts, source
 * links) with defaults a test overrides field by field, so a test states only what it is about.
 */
import type { DataSource } from 'typeorm';

async function insert(ds: DataSource, table: string, values: Record<string, unknown>): Promise<string> {
  const cols = Object.keys(values);
  const rows = (await ds.query(
    `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    Object.values(values),
  )) as Array<{ id: string }>;
  return rows[0]!.id;
}

let seq = 0;
export const insertConnection = (ds: DataSource, values: Record<string, unknown> = {}): Promise<string> =>
  insert(ds, 'connections', {
    name: `conn-${++seq}`,
    kind: 'SALESFORCE',
    base_url: 'http://127.0.0.1:4101',
    api_version: 'v62.0',
    credentials_sealed: 'v1:sealed-for-tests',
    ...values,
  });

export const insertCompany = (ds: DataSource, values: Record<string, unknown> = {}): Promise<string> =>
  insert(ds, 'companies', { name: `Company ${++seq}`, ...values });

/** Contacts get increasing created_at (1 s apart) unless given, so their order is known. */
export const insertContact = (ds: DataSource, values: Record<string, unknown> = {}): Promise<string> => {
  const n = ++seq;
  return insert(ds, 'contacts', {
    email: `person${n}@example.com`,
    first_name: 'Person',
    last_name: `Number${n}`,
    created_at: new Date(Date.UTC(2024, 0, 1) + n * 1000),
    ...values,
  });
};

export const insertSourceLink = (ds: DataSource, values: Record<string, unknown>): Promise<string> =>
  insert(ds, 'source_links', { record_kind: 'CONTACT', remote_type: 'Contact', remote_id: `003${++seq}`, ...values });
