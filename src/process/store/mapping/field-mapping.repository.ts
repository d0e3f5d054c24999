/**
 * Field-mapping versions (table field_mapping_versions) and the connection's copy of the
 * current one (connections.field_mappings), which a new version replaces in the same
 * transaction: a run reads the connection at its start and so always one whole version.
 */
import type { FieldMappingChange, FieldMappingEntry } from '../../mapping/mapping-entries';
import type { MappingTestBatch } from '../../mapping/mapping-test-batch';
import { IsNull } from 'typeorm';
import { ConnectionEntity } from '../entities';
import type { Queryable } from '../queryable';

export interface StoredMappingVersion {
  connectionId: string;
  version: number;
  entries: FieldMappingEntry[];
  author: string;
  authorKeyId: string | null;
  note: string | null;
  diff: FieldMappingChange[];
  testBatch: MappingTestBatch | null;
  createdAt: Date;
}

/** A version to write: its number and time are the store's to give. */
export type NewMappingVersion = Omit<StoredMappingVersion, 'version' | 'createdAt'>;

const COLUMNS = 'connection_id, version, entries, author, author_key_id, note, diff, test_batch, created_at';

interface VersionRow {
  connection_id: string;
  version: number;
  entries: FieldMappingEntry[];
  author: string;
  author_key_id: string | null;
  note: string | null;
  diff: FieldMappingChange[];
  test_batch: MappingTestBatch | null;
  created_at: Date;
}

const toVersion = (r: VersionRow): StoredMappingVersion => ({
  connectionId: r.connection_id,
  version: Number(r.version),
  entries: r.entries,
  author: r.author,
  authorKeyId: r.author_key_id,
  note: r.note,
  diff: r.diff,
  testBatch: r.test_batch,
  createdAt: new Date(r.created_at),
});

/** The newest version of a connection's mapping (the current one), or null before version 1 was written. */
export async function latestMappingVersion(db: Queryable, connectionId: string): Promise<StoredMappingVersion | null> {
  const rows = (await db.query(`SELECT ${COLUMNS} FROM field_mapping_versions WHERE connection_id = $1 ORDER BY version DESC LIMIT 1`, [connectionId])) as VersionRow[];
  return rows[0] ? toVersion(rows[0]) : null;
}

export async function mappingVersionOf(db: Queryable, connectionId: string, version: number): Promise<StoredMappingVersion | null> {
  const rows = (await db.query(`SELECT ${COLUMNS} FROM field_mapping_versions WHERE connection_id = $1 AND version = $2`, [connectionId, version])) as VersionRow[];
  return rows[0] ? toVersion(rows[0]) : null;
}

/** Version 1 (the code's mappers) for a connection that has none yet; a no-op when another caller wrote it first. */
export async function seedMappingVersion(db: Queryable, connectionId: string, entries: FieldMappingEntry[]): Promise<void> {
  await db.query(
    `INSERT INTO field_mapping_versions (connection_id, version, entries, author, note) VALUES ($1, 1, $2::jsonb, 'junction', 'the code''s mappers')
     ON CONFLICT (connection_id, version) DO NOTHING`,
    [connectionId, JSON.stringify(entries)],
  );
}

/**
 * Writes the version after `after` and makes it the connection's current one; null when
 * another change wrote that version first (the caller's view was stale). Run it inside a
 * transaction: the version row and the connection's copy go together.
 */
export async function insertMappingVersion(db: Queryable, after: number, v: NewMappingVersion): Promise<StoredMappingVersion | null> {
  const rows = (await db.query(
    `INSERT INTO field_mapping_versions (connection_id, version, entries, author, author_key_id, note, diff, test_batch)
     VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7::jsonb, $8::jsonb) ON CONFLICT (connection_id, version) DO NOTHING RETURNING ${COLUMNS}`,
    [v.connectionId, after + 1, JSON.stringify(v.entries), v.author, v.authorKeyId, v.note, JSON.stringify(v.diff), v.testBatch ? JSON.stringify(v.testBatch) : null],
  )) as VersionRow[];
  if (!rows[0]) return null;
  await db.query(`UPDATE connections SET field_mappings = $2::jsonb, updated_at = now() WHERE id = $1`, [v.connectionId, JSON.stringify(v.entries)]);
  return toVersion(rows[0]);
}

/** A page of a connection's versions, newest first, and how many there are. */
export async function mappingHistoryPage(db: Queryable, connectionId: string, first: number): Promise<{ versions: StoredMappingVersion[]; totalCount: number }> {
  const rows = (await db.query(`SELECT ${COLUMNS} FROM field_mapping_versions WHERE connection_id = $1 ORDER BY version DESC LIMIT $2`, [connectionId, first])) as VersionRow[];
  const [count] = (await db.query(`SELECT count(*)::int AS n FROM field_mapping_versions WHERE connection_id = $1`, [connectionId])) as Array<{ n: number }>;
  return { versions: rows.map(toVersion), totalCount: Number(count?.n ?? 0) };
}

/** An API key's name, for a version's author. */
export async function apiKeyName(db: Queryable, keyId: string): Promise<string | null> {
  const rows = (await db.query(`SELECT name FROM api_keys WHERE id = $1`, [keyId])) as Array<{ name: string }>;
  return rows[0]?.name ?? null;
}

/** Every live connection with its mapping state, for the data dictionary (deleted ones are tombstones, not configuration). */
export function mappedConnections(db: Queryable): Promise<ConnectionEntity[]> {
  return db.getRepository(ConnectionEntity).find({ where: { deletedAt: IsNull() }, order: { createdAt: 'ASC' } });
}
