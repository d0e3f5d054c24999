/**
 * Field mappings as versioned data (issue 17 item 3): read a connection's current version,
 * change it (checked against the CRM's describe, written as the next version with its author,
 * note and diff, then tried in a dry test batch of 10 records), list its versions, and roll
 * back (an old version's entries made current as a new version). The sync follows the current
 * version from the start of its next run: the connection carries it (registry.ts mappersFor).
 */
import type { DataSource } from 'typeorm';
import type { ConnectionService } from '../connections/connection.service';
import type { ConnectionEntity } from '../store/entities';
import {
  apiKeyName,
  insertMappingVersion,
  latestMappingVersion,
  mappingHistoryPage,
  mappingVersionOf,
  seedMappingVersion,
  setMappingTestRun,
  type StoredMappingVersion,
} from '../store/mapping/field-mapping.repository';
import type { SyncRunService } from '../sync/runs/sync-run.service';
import { diffEntries, mergeEntries, seedEntries, type FieldMappingEntry } from './mapping-entries';
import { checkAgainstDescribe, checkShape, FieldMappingInputError } from './mapping-validation';
import { customFieldsOf, mappingProfile } from './registry';

export interface FieldMappingDeps {
  db: DataSource;
  connections: Pick<ConnectionService, 'get' | 'adapterFor'>;
  /** Queues the dry test batch a new version is tried with; without it none is run. */
  syncRuns?: Pick<SyncRunService, 'trigger'>;
}

export interface CurrentMapping {
  connectionId: string;
  version: number;
  entries: FieldMappingEntry[];
}

/** Who changes a mapping: the API key (its name is the version's author). */
export interface MappingAuthor {
  keyId: string | null;
}

/** Another change wrote the version this one would have; nothing was changed. */
export class MappingVersionConflictError extends Error {}

/** A connection's entries now: its version's, over the code's own (custom fields added since show too). */
export function currentEntries(connection: ConnectionEntity): FieldMappingEntry[] {
  const seed = seedEntries(mappingProfile(connection.kind).mappers, customFieldsOf(connection));
  return connection.fieldMappings ? mergeEntries(seed, connection.fieldMappings) : seed;
}

export class FieldMappingService {
  constructor(private deps: FieldMappingDeps) {}

  /** The current version and its entries; null for an unknown connection. */
  async current(connectionId: string): Promise<CurrentMapping | null> {
    const connection = await this.deps.connections.get(connectionId);
    if (!connection) return null;
    const latest = await latestMappingVersion(this.deps.db, connectionId);
    return { connectionId, version: latest?.version ?? 1, entries: currentEntries(connection) };
  }

  /**
   * Applies `changes` (an entry replaces the one for its object and unified field) as the next
   * version. Throws FieldMappingInputError naming every problem, and changes nothing, when an
   * entry does not fit the CRM's objects or describe, or nothing would change.
   */
  async set(connectionId: string, changes: readonly FieldMappingEntry[], note: string | null, by: MappingAuthor): Promise<StoredMappingVersion | null> {
    const connection = await this.deps.connections.get(connectionId);
    if (!connection) return null;
    const profile = mappingProfile(connection.kind);
    const checked = checkShape(profile, changes);
    const before = currentEntries(connection);
    const after = mergeEntries(before, checked);
    const diff = diffEntries(before, after);
    if (!diff.length) throw new FieldMappingInputError(['entries: nothing would change']);
    const changed = diff.flatMap((d) => (d.after ? [d.after] : []));
    const problems = checkAgainstDescribe(connection.kind, changed, await this.describe(connection, [...new Set(changed.map((e) => e.remoteObject))]));
    if (problems.length) throw new FieldMappingInputError(problems);
    return this.write(connection, after, before, note, by);
  }

  /** Makes version `version`'s entries current again, as a new version; null for an unknown connection or version. */
  async rollback(connectionId: string, version: number, by: MappingAuthor): Promise<StoredMappingVersion | null> {
    const connection = await this.deps.connections.get(connectionId);
    if (!connection) return null;
    const target = await mappingVersionOf(this.deps.db, connectionId, version);
    // Version 1 is the code's own, even where no change was ever made (no row yet).
    const entries = target?.entries ?? (version === 1 ? seedEntries(mappingProfile(connection.kind).mappers, customFieldsOf(connection)) : null);
    if (!entries) return null;
    return this.write(connection, entries, currentEntries(connection), `rollback to version ${version}`, by);
  }

  /** The newest `first` versions and how many there are. */
  history(connectionId: string, first: number): Promise<{ versions: StoredMappingVersion[]; totalCount: number }> {
    return mappingHistoryPage(this.deps.db, connectionId, first);
  }

  private async write(connection: ConnectionEntity, entries: FieldMappingEntry[], before: FieldMappingEntry[], note: string | null, by: MappingAuthor): Promise<StoredMappingVersion> {
    const { db } = this.deps;
    const author = (by.keyId ? await apiKeyName(db, by.keyId) : null) ?? 'junction';
    const written = await db.transaction(async (m) => {
      const latest = await latestMappingVersion(m, connection.id);
      if (!latest) await seedMappingVersion(m, connection.id, before);
      const version = latest?.version ?? 1;
      return insertMappingVersion(m, version, { connectionId: connection.id, entries, author, authorKeyId: by.keyId, note, diff: diffEntries(before, entries) });
    });
    if (!written) throw new MappingVersionConflictError(`another change to ${connection.name}'s mapping came first; read it again and retry`);
    const testRunId = await this.queueTestBatch(connection.id);
    if (testRunId) await setMappingTestRun(db, connection.id, written.version, testRunId);
    return { ...written, testRunId };
  }

  /** A dry test batch (10 records, nothing kept) against the version just written; null when another run is busy. */
  private async queueTestBatch(connectionId: string): Promise<string | null> {
    if (!this.deps.syncRuns) return null;
    try {
      const outcome = await this.deps.syncRuns.trigger(connectionId, 'TEST_BATCH', true);
      return outcome.kind !== 'CONFLICT' && outcome.run.status === 'QUEUED' ? outcome.run.id : null;
    } catch {
      // The version is written and the next full run tests it anyway (run-gate.ts): no test batch is not a failed change.
      return null;
    }
  }

  /** Each object's described field types (names only, typed unknown, where the adapter cannot tell types). */
  private async describe(connection: ConnectionEntity, objects: string[]): Promise<Map<string, Record<string, string>>> {
    const adapter = this.deps.connections.adapterFor(connection);
    const out = new Map<string, Record<string, string>>();
    for (const object of objects) {
      const types = adapter.describeFieldTypes
        ? await adapter.describeFieldTypes(object)
        : Object.fromEntries((await adapter.describeFields(object)).map((f) => [f, 'unknown']));
      out.set(object, types);
    }
    return out;
  }
}
