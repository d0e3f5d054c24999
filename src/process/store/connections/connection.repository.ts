/**
 * A connection's configuration and what its adapter reports (table connections): creating
 * and changing it (connections/connection.service.ts), its circuit and API usage as the
 * adapter sees them, the mapping version its last passing test batch ran with
 * (sync/runs/run-gate.ts), and its last successful sync. Its status lives in
 * connection-status.repository.ts, its deletion in connection-delete.repository.ts.
 */
import type { Queryable } from '../queryable';

export interface NewConnectionRow {
  name: string;
  kind: string;
  baseUrl: string;
  apiVersion: string;
  credentialsSealed: string;
}

/** Returns the new connection's id; a live connection of that name is a unique violation. */
export async function insertConnection(db: Queryable, c: NewConnectionRow): Promise<string> {
  const rows = (await db.query(`INSERT INTO connections (name, kind, base_url, api_version, credentials_sealed) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
    c.name,
    c.kind,
    c.baseUrl,
    c.apiVersion,
    c.credentialsSealed,
  ])) as Array<{ id: string }>;
  return rows[0]!.id;
}

/** What an update changes, each part checked by the caller; settings keys in `clear` go, those in `set` are merged in. */
export interface ConnectionChanges {
  name?: string;
  baseUrl?: string;
  apiVersion?: string;
  credentialsSealed?: string;
  settings?: { set: Record<string, unknown>; clear: string[] };
}

/** Writes the changes given; false (and no statement) when there are none. A rename onto a live name is a unique violation. */
export async function updateConnection(db: Queryable, id: string, changes: ConnectionChanges): Promise<boolean> {
  const sets: string[] = [];
  const params: unknown[] = [id];
  const set = (column: string, value: unknown) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (changes.name !== undefined) set('name', changes.name);
  if (changes.baseUrl !== undefined) set('base_url', changes.baseUrl);
  if (changes.apiVersion !== undefined) set('api_version', changes.apiVersion);
  if (changes.credentialsSealed !== undefined) {
    set('credentials_sealed', changes.credentialsSealed);
    // What the CRM said of the old refresh token says nothing of the new credentials.
    sets.push('refresh_token_expires_at = NULL');
  }
  if (changes.settings !== undefined) {
    params.push(changes.settings.clear, JSON.stringify(changes.settings.set));
    sets.push(`settings = (coalesce(settings, '{}'::jsonb) - $${params.length - 1}::text[]) || $${params.length}::jsonb`);
  }
  if (!sets.length) return false;
  await db.query(`UPDATE connections SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
  return true;
}

/** Replaces the connection's custom-field mappings (settings.customFields), keeping its other settings. */
export async function saveCustomFields(db: Queryable, id: string, customFields: unknown): Promise<void> {
  await db.query(`UPDATE connections SET settings = coalesce(settings, '{}'::jsonb) || jsonb_build_object('customFields', $2::jsonb), updated_at = now() WHERE id = $1`, [
    id,
    JSON.stringify(customFields),
  ]);
}

/** The adapter's circuit changed state (OPEN waits until `retryAt`). */
export async function recordCircuit(db: Queryable, id: string, state: string, retryAt: Date | null | undefined): Promise<void> {
  await db.query(`UPDATE connections SET circuit = $2, circuit_retry_at = $3, updated_at = now() WHERE id = $1`, [id, state, retryAt]);
}

/** The vendor-reported API usage, so dashboards and alerts read it without calling the CRM. */
export async function recordApiUsage(db: Queryable, id: string, usage: { used: number; limit: number; resetsAt?: string }): Promise<void> {
  await db.query(`UPDATE connections SET api_used = $2, api_limit = $3, api_resets_at = $4, updated_at = now() WHERE id = $1`, [
    id,
    usage.used,
    usage.limit,
    usage.resetsAt ?? null,
  ]);
}

/** The connection's mapping `version` passed a test batch now. */
export async function recordTestBatchPassed(db: Queryable, id: string, version: string): Promise<void> {
  await db.query(`UPDATE connections SET tested_mapping_version = $2, test_batch_passed_at = now() WHERE id = $1`, [id, version]);
}

export async function recordSuccessfulSync(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE connections SET last_successful_sync_at = now() WHERE id = $1`, [id]);
}
