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
import { toConnection } from './connections/connection.type';
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
  for (const contact of contacts) {
    if (!selected.company) continue;
    const row = contact.companyId ? companyById.get(contact.companyId) : null;
    // A failed load (an Error in loadMany) is left to the resolver, which reports it as before.
    if (row instanceof Error || row === undefined) continue;
    contact.preloaded = { ...contact.preloaded, company: row ? toCompany(row) : null };
  }
  if (!sources) return;
  const links = new Map<string, SourceLink[]>();
  contacts.forEach((contact, i) => {
    const rows = sources[i];
    if (rows instanceof Error || rows === undefined) return;
    links.set(contact.id, rows.map(toSourceLink));
  });
  if (selected.sourceConnection) {
    // The sources statement read and primed these connections; loadMany answers from that cache.
    const ids = [...new Set([...links.values()].flat().map((l) => l.connectionId))];
    const views = ids.length > 0 ? await loaders.connectionById.loadMany(ids) : [];
    const byId = new Map(ids.map((id, i) => [id, views[i]]));
    for (const link of [...links.values()].flat()) {
      const view = byId.get(link.connectionId);
      if (view && !(view instanceof Error)) link.preloadedConnection = toConnection(view);
    }
  }
  for (const contact of contacts) {
    const list = links.get(contact.id);
    if (list) contact.preloaded = { ...contact.preloaded, sources: list };
  }
}
