/**
 * Contact↔company associations, kept in both directions the way HubSpot reports them:
 * creating contact→company with type 279 also makes company→contact 280.
 */
import { ASSOCIATION_TYPES } from '../descriptor';

const INVERSE: Record<number, number> = {
  [ASSOCIATION_TYPES.contactToCompany]: ASSOCIATION_TYPES.companyToContact,
  [ASSOCIATION_TYPES.companyToContact]: ASSOCIATION_TYPES.contactToCompany,
  [ASSOCIATION_TYPES.contactToCompanyPrimary]: ASSOCIATION_TYPES.companyToContactPrimary,
  [ASSOCIATION_TYPES.companyToContactPrimary]: ASSOCIATION_TYPES.contactToCompanyPrimary,
};

export interface Endpoint {
  object: string;
  id: string;
}

const key = (e: Endpoint) => `${e.object}:${e.id}`;

export class AssociationStore {
  /** from endpoint → to endpoint key → type ids */
  private edges = new Map<string, Map<string, Set<number>>>();

  add(from: Endpoint, to: Endpoint, typeIds: number[]): void {
    for (const typeId of typeIds) {
      this.edge(from, to).add(typeId);
      this.edge(to, from).add(INVERSE[typeId] ?? typeId);
    }
  }

  remove(from: Endpoint, to: Endpoint): void {
    this.edges.get(key(from))?.delete(key(to));
    this.edges.get(key(to))?.delete(key(from));
  }

  /** Associated ids of `toObject`, in id order, each with its type ids. */
  list(from: Endpoint, toObject: string): Array<{ id: string; typeIds: number[] }> {
    const out: Array<{ id: string; typeIds: number[] }> = [];
    for (const [to, types] of this.edges.get(key(from)) ?? []) {
      const [object, id] = [to.slice(0, to.indexOf(':')), to.slice(to.indexOf(':') + 1)];
      if (object === toObject && types.size) out.push({ id, typeIds: [...types].sort((a, b) => a - b) });
    }
    return out.sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
  }

  clear(): void {
    this.edges.clear();
  }

  private edge(from: Endpoint, to: Endpoint): Set<number> {
    let targets = this.edges.get(key(from));
    if (!targets) this.edges.set(key(from), (targets = new Map()));
    let types = targets.get(key(to));
    if (!types) targets.set(key(to), (types = new Set()));
    return types;
  }
}
