/**
 * Field mappings as versioned data (issue 17 item 3): read a connection's current version,
 * change it (checked against the CRM's describe, tried in a dry test batch of 10 records, and
 * written as the next version with its author, note, diff and the batch's outcome), list its versions, and roll
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
  type StoredMappingVersion,
} from '../store/mapping/field-mapping.repository';
import { dataDictionary, type DictionaryEntry } from './data-dictionary';
import { currentEntries, versionOneEntries } from './current-entries';
import { diffEntries, mergeEntries, type FieldMappingEntry } from './mapping-entries';
import { checkAgainstDescribe, checkShape, FieldMappingInputError } from './mapping-validation';
import { runMappingTestBatch } from './mapping-test-batch';
import { mappingProfile } from './registry';

export interface FieldMappingDeps {
  db: DataSource;
  connections: Pick<ConnectionService, 'get' | 'adapterFor' | 'list'>;
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
    const entries = target?.entries ?? (version === 1 ? versionOneEntries(connection) : null);
    if (!entries) return null;
    return this.write(connection, entries, currentEntries(connection), `rollback to version ${version}`, by);
  }

  /** The data dictionary over every live connection's current version (data-dictionary.ts). */
  async dictionary(): Promise<DictionaryEntry[]> {
    return dataDictionary(this.deps.db, await this.deps.connections.list());
  }

  /** The newest `first` versions and how many there are. */
  history(connectionId: string, first: number): Promise<{ versions: StoredMappingVersion[]; totalCount: number }> {
    return mappingHistoryPage(this.deps.db, connectionId, first);
  }

  /** Tries `entries` in a dry test batch, then writes them as the next version with its outcome. */
  private async write(connection: ConnectionEntity, entries: FieldMappingEntry[], before: FieldMappingEntry[], note: string | null, by: MappingAuthor): Promise<StoredMappingVersion> {
    const { db } = this.deps;
    const testBatch = await runMappingTestBatch(db, { ...connection, fieldMappings: entries }, this.deps.connections.adapterFor(connection));
    const author = (by.keyId ? await apiKeyName(db, by.keyId) : null) ?? 'junction';
    const written = await db.transaction(async (m) => {
      const latest = await latestMappingVersion(m, connection.id);
      if (!latest) await seedMappingVersion(m, connection.id, before);
      const diff = diffEntries(before, entries);
      return insertMappingVersion(m, latest?.version ?? 1, { connectionId: connection.id, entries, author, authorKeyId: by.keyId, note, diff, testBatch });
    });
    if (!written) throw new MappingVersionConflictError(`another change to ${connection.name}'s mapping came first; read it again and retry`);
    return written;
  }

  /** Each object's described field types (names only, typed unknown, where the adapter cannot tell types). */
  private async describe(connection: ConnectionEntity, objects: string[]): Promise<Map<string, Record<string, string>>> {
    const adapter = this.deps.connections.adapterFor(connection);
    const out = new Map<string, Record<string, string>>();
    for (const object of objects) {
      try {
        const types = adapter.describeFieldTypes ? await adapter.describeFieldTypes(object) : Object.fromEntries((await adapter.describeFields(object)).map((f) => [f, 'unknown']));
        out.set(object, types);
      } catch (err) {
        // Unchecked is never written: the operator learns why and tries again.
        throw new FieldMappingInputError([`could not read ${connection.kind}'s describe of ${object} to check the mapping (${err instanceof Error ? err.message : String(err)}); nothing was changed`]);
      }
    }
    return out;
  }
}

/** The mapping service over a connection service that can read CRMs; undefined over one that cannot (a test's narrow stand-in). */
export function fieldMappingServiceOver(db: DataSource, connections: object): FieldMappingService | undefined {
  const c = connections as Partial<FieldMappingDeps['connections']>;
  if (typeof c.get !== 'function' || typeof c.adapterFor !== 'function' || typeof c.list !== 'function') return undefined;
  return new FieldMappingService({ db, connections: c as FieldMappingDeps['connections'] });
}
