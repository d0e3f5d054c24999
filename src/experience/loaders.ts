/**
 * Per-request DataLoaders: every field that fetches related rows goes through one of
 * these, so a page of N contacts with companies and sources costs the same few statements
 * as a page of one (SPEC §4).
 */
import DataLoader from 'dataloader';
import type { ConnectionView, Page, ReadQueries, StoredCompany, StoredContact, StoredFieldProvenance, StoredSourceLink } from '../process';

export interface CompanyContactsKey {
  companyId: string;
  first: number | null | undefined;
}

export interface Loaders {
  companyById: DataLoader<string, StoredCompany | null>;
  contactById: DataLoader<string, StoredContact | null>;
  connectionById: DataLoader<string, ConnectionView | null>;
  sourcesByRecordId: DataLoader<string, StoredSourceLink[]>;
  provenanceByRecordId: DataLoader<string, StoredFieldProvenance[]>;
  mergedFromByMasterId: DataLoader<string, string[]>;
  /** First page of a company's contacts; keys with the same `first` share one statement. */
  contactsOfCompany: DataLoader<CompanyContactsKey, Page<StoredContact>, string>;
  contactCountByCompany: DataLoader<string, number>;
}

function byId<T extends { id: string }>(fetch: (ids: readonly string[]) => Promise<T[]>) {
  return async (ids: readonly string[]): Promise<Array<T | null>> => {
    const found = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  };
}

function fromMap<V>(fetch: (ids: readonly string[]) => Promise<Map<string, V>>, missing: () => V) {
  return async (ids: readonly string[]): Promise<V[]> => {
    const found = await fetch(ids);
    return ids.map((id) => found.get(id) ?? missing());
  };
}

/**
 * `cache: false` for subscriptions: one context lives as long as the socket's operation,
 * and a cache would serve rows as they were at the first event. Batching still applies.
 */
export function createLoaders(queries: ReadQueries, options: { cache: boolean } = { cache: true }): Loaders {
  const cache = options.cache;
  const connectionById = new DataLoader(byId((ids) => queries.connections.byIds(ids)), { cache });
  return {
    companyById: new DataLoader(byId((ids) => queries.companies.byIds(ids)), { cache }),
    contactById: new DataLoader(byId((ids) => queries.contacts.byIds(ids)), { cache }),
    connectionById,
    sourcesByRecordId: new DataLoader(
      fromMap(async (ids) => {
        // The links' connections come in the same statement; primed, `sources { connection }` costs no second query.
        const { links, connections } = await queries.sources.byRecordIdsWithConnections(ids);
        for (const c of connections) connectionById.prime(c.id, c);
        return links;
      }, () => []),
      { cache },
    ),
    provenanceByRecordId: new DataLoader(fromMap((ids) => queries.contacts.provenance(ids), () => []), { cache }),
    mergedFromByMasterId: new DataLoader(fromMap((ids) => queries.contacts.mergedFrom(ids), () => []), { cache }),
    contactCountByCompany: new DataLoader(fromMap((ids) => queries.contacts.countByCompanies(ids), () => 0), { cache }),
    contactsOfCompany: new DataLoader(
      async (keys: readonly CompanyContactsKey[]) => {
        // One statement per distinct page size (in practice one: the same field in one query).
        const sizes = [...new Set(keys.map((k) => k.first ?? null))];
        const pages = new Map<string, Page<StoredContact>>();
        for (const first of sizes) {
          const ids = keys.filter((k) => (k.first ?? null) === first).map((k) => k.companyId);
          for (const [companyId, page] of await queries.contacts.firstPageOfCompanies(ids, first)) pages.set(`${companyId}:${first}`, page);
        }
        return keys.map((k) => pages.get(`${k.companyId}:${k.first ?? null}`) ?? new Error(`no contacts page for ${k.companyId}`));
      },
      { cache, cacheKeyFn: (k) => `${k.companyId}:${k.first ?? null}` },
    ),
  };
}
