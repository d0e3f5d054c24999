/**
 * Page-level preloading for list queries: when a page of contacts asks for `company` and
 * `sources { connection }`, their rows are fetched once for the whole page (the same
 * batched statements the DataLoaders would send) and attached to each node as plain values.
 * The field resolvers then answer synchronously, so GraphQL execution does not build and
 * await a promise per contact and per source link — on a 100-contact page that was most of
 * the execution cost the hand-written baseline does not pay (BENCHMARKS.md scenario 3).
 * Nothing here changes what is returned: a node without preloaded values falls back to the
 * loaders as before.
 */
import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { toCompany } from './companies/company.type';
import type { Contact } from './contacts/contact.type';
import { toSourceLink, type SourceLink } from './contacts/source-link.type';
import { toConnection, type Connection } from './connections/connection.type';
import type { Loaders } from './loaders';

/** Child fields selected under a path of field names (fragments and inline fragments included). */
export function selectedUnder(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  let sets: SelectionSetNode[] = info.fieldNodes.map((n) => n.selectionSet).filter((s): s is SelectionSetNode => s !== undefined);
  for (const name of path) sets = sets.flatMap((s) => fieldsOf(s, info).filter((f) => f.name.value === name && f.selectionSet).map((f) => f.selectionSet!));
  return new Set(sets.flatMap((s) => fieldsOf(s, info).map((f) => f.name.value)));
}

function fieldsOf(set: SelectionSetNode, info: GraphQLResolveInfo): FieldNode[] {
  return set.selections.flatMap((sel): FieldNode[] => {
    if (sel.kind === 'Field') return [sel];
    if (sel.kind === 'InlineFragment') return fieldsOf(sel.selectionSet, info);
    const fragment = info.fragments[sel.name.value];
    return fragment ? fieldsOf(fragment.selectionSet, info) : [];
  });
}

/** Attaches `company` and `sources` (with their connections) to contacts, as far as `selected` asks for them. */
export async function preloadContactRelations(loaders: Loaders, contacts: Contact[], selected: { company: boolean; sources: boolean; sourceConnection: boolean }): Promise<void> {
  if (contacts.length === 0) return;
  const companyIds = selected.company ? [...new Set(contacts.map((c) => c.companyId).filter((id): id is string => id !== null))] : [];
  const [companies, sources] = await Promise.all([
    companyIds.length > 0 ? loaders.companyById.loadMany(companyIds) : Promise.resolve([]),
    selected.sources ? loaders.sourcesByRecordId.loadMany(contacts.map((c) => c.id)) : Promise.resolve(undefined),
  ]);
  const companyById = new Map(companyIds.map((id, i) => [id, companies[i]]));
  const links: Array<SourceLink[] | undefined> = sources
    ? contacts.map((_, i) => {
        const rows = sources[i];
        // A failed load (an Error in loadMany) is left to the resolver, which reports it as before.
        return rows === undefined || rows instanceof Error ? undefined : rows.map(toSourceLink);
      })
    : [];
  if (selected.sourceConnection) await attachConnections(loaders, links);
  contacts.forEach((contact, i) => {
    const preloaded: NonNullable<Contact['preloaded']> = {};
    if (selected.company) {
      const row = contact.companyId ? companyById.get(contact.companyId) : null;
      if (row !== undefined && !(row instanceof Error)) preloaded.company = row ? toCompany(row) : null;
    }
    if (links[i]) preloaded.sources = links[i];
    contact.preloaded = preloaded;
  });
}

/** The sources statement read and primed these connections; loadMany answers from that cache. */
async function attachConnections(loaders: Loaders, links: Array<SourceLink[] | undefined>): Promise<void> {
  const all = links.flatMap((list) => list ?? []);
  const ids = [...new Set(all.map((l) => l.connectionId))];
  if (ids.length === 0) return;
  const views = await loaders.connectionById.loadMany(ids);
  const byId = new Map<string, Connection>();
  ids.forEach((id, i) => {
    const view = views[i];
    if (view && !(view instanceof Error)) byId.set(id, toConnection(view));
  });
  for (const link of all) link.preloadedConnection = byId.get(link.connectionId);
}
