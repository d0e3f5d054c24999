/**
 * Fields whose work grows with their arguments rather than with what is selected. GraphQL
 * Armor's static cost counts `healthSeries(buckets: 200, window: "90d")` as one field, yet
 * it aggregates 90 days of runs and deliveries into 200 buckets; five aliased copies held
 * the pool for 12 s. Each such field weighs here what its arguments ask for, and the
 * weights of one operation (aliases and fragments add up) must stay within the cost limit.
 */
import { getArgumentValues, getNamedType, isObjectType, Kind, type DocumentNode, type GraphQLNamedType, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { parseWindow } from '../../process';
import { QueryLimitError } from './errors';
import { selectedOperation } from './operation';

const DAY_MS = 86_400_000;

export interface FieldWeight {
  /** Says how the weight is computed, for the refusal message. */
  rule: string;
  weigh(args: Record<string, unknown>): number;
}

/** By `Type.field`. A field not listed weighs nothing here (Armor's static cost still counts it). */
export const FIELD_WEIGHTS: Record<string, FieldWeight> = {
  'Query.healthSeries': {
    rule: 'healthSeries weighs buckets × window days ÷ 4',
    weigh(args) {
      const buckets = typeof args.buckets === 'number' ? Math.max(args.buckets, 1) : 24;
      const windowMs = parseWindow(typeof args.window === 'string' ? args.window : undefined) ?? DAY_MS;
      return Math.ceil((buckets * Math.max(windowMs / DAY_MS, 1)) / 4);
    },
  },
};

/** Throws QueryLimitError when the operation's weighted fields together exceed `maxCost`; returns their weight otherwise. */
export function checkFieldWeights(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
  weights: Record<string, FieldWeight> = FIELD_WEIGHTS,
): number {
  const selected = selectedOperation(schema, document, operationName);
  if (!selected) return 0;
  const { operation, fragments, root } = selected;
  const rules = new Set<string>();

  const weigh = (selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, seen: ReadonlySet<string>): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const s of selectionSet.selections) {
      if (s.kind === Kind.FIELD) {
        const definition = isObjectType(parent) ? parent.getFields()[s.name.value] : undefined;
        if (!definition) continue;
        const weight = weights[`${parent!.name}.${definition.name}`];
        if (weight) {
          rules.add(weight.rule);
          total += weight.weigh(argumentsOf(definition, s, variables));
        }
        total += weigh(s.selectionSet, getNamedType(definition.type), seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        total += weigh(s.selectionSet, s.typeCondition ? (schema.getType(s.typeCondition.name.value) ?? undefined) : parent, seen);
      } else {
        const fragment = fragments.get(s.name.value);
        if (fragment && !seen.has(s.name.value))
          total += weigh(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, new Set([...seen, s.name.value]));
      }
    }
    return total;
  };

  const total = weigh(operation.selectionSet, root, new Set());
  if (total > maxCost) throw new QueryLimitError('maxCost', `Query Cost limit of ${maxCost} exceeded, found ${total} (${[...rules].join('; ')}): ask for fewer buckets, a shorter window or fewer aliases`);
  return total;
}

/** The field's arguments with defaults applied; values GraphQL will refuse anyway count as absent. */
function argumentsOf(definition: Parameters<typeof getArgumentValues>[0], node: Parameters<typeof getArgumentValues>[1], variables: Record<string, unknown> | null | undefined): Record<string, unknown> {
  try {
    return getArgumentValues(definition, node, variables ?? undefined);
  } catch {
    return {};
  }
}
