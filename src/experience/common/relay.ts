/**
 * Relay connections (edges { cursor node }, pageInfo, totalCount) for any node type, and
 * the mapping from a process-tier keyset page. `totalCount` is a lazy getter: the COUNT
 * statement runs only when a client selects it.
 */
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { Page } from '../../process';

@ObjectType({ description: 'Relay page information. Pages only move forward (`first`/`after`).', simpleResolvers: true })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field() hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export interface Edge<TNode> {
  cursor: string;
  node: TNode;
}

export interface RelayConnection<TNode> {
  edges: Array<Edge<TNode>>;
  pageInfo: PageInfo;
  totalCount: number | Promise<number>;
}

/** Builds `<Name>Edge` and an abstract `<Name>Connection` base for a node class. */
export function RelayConnectionType<TNode extends object>(name: string, nodeClass: ClassType<TNode>) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class EdgeType implements Edge<TNode> {
    @Field({ description: 'Opaque; pass as `after` to continue after this node.' }) cursor!: string;
    @Field(() => nodeClass) node!: TNode;
  }

  // Abstract: only the concrete subclasses (`ContactConnection`, …) reach the schema.
  @ObjectType({ simpleResolvers: true })
  abstract class ConnectionType implements RelayConnection<TNode> {
    @Field(() => [EdgeType]) edges!: EdgeType[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'Nodes matching the query across all pages.' }) totalCount!: number | Promise<number>;
  }
  return ConnectionType;
}

export function toRelayConnection<TRow, TNode>(page: Page<TRow>, map: (row: TRow) => TNode, countTotal: () => Promise<number>): RelayConnection<TNode> {
  const edges = page.nodes.map((row, i) => ({ cursor: page.cursors[i]!, node: map(row) }));
  let total: Promise<number> | undefined;
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.hasPreviousPage,
      startCursor: page.cursors[0] ?? null,
      endCursor: page.cursors[page.cursors.length - 1] ?? null,
    },
    get totalCount() {
      total ??= countTotal();
      return total;
    },
  };
}
