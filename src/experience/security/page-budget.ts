/**
 * The records a query may ask for through nested connections. Static cost limits count
 * fields, not rows: `companies(first: 100) { … contacts(first: 100) { … company {
 * contacts(first: 100) … } } }` is a small document that would load a million rows. Here
 * every `first:` multiplies what is below it, with variable values as sent, and a query
 * over `maxRecords` — or any `first:` over the page size — is refused before it runs.
 */
import { getNamedType, isObjectType, Kind, type DocumentNode, type ValidationRule, type GraphQLNamedType, type GraphQLSchema, type SelectionSetNode, type ValueNode } from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../process';
import { QueryLimitError } from './errors';
import { selectedOperation } from './operation';

export interface PageBudget {
  maxRecords: number;
  maxPageSize: number;
}

export const DEFAULT_PAGE_BUDGET: PageBudget = { maxRecords: 20_000, maxPageSize: MAX_PAGE_SIZE };

/** Throws QueryLimitError when the operation breaks the budget; returns the estimate otherwise. */
export function checkPageBudget(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  budget: PageBudget,
): number {
  const selected = selectedOperation(schema, document, operationName);
  if (!selected) return 0;
  const { operation, fragments, root } = selected;

  const pageOf = (value: ValueNode | undefined, field: string): number => {
    const raw = value === undefined ? undefined : value.kind === Kind.VARIABLE ? variables?.[value.name.value] : value.kind === Kind.INT ? Number(value.value) : undefined;
    const size = typeof raw === 'number' ? raw : DEFAULT_PAGE_SIZE;
    if (size > budget.maxPageSize)
      throw new QueryLimitError('maxPageSize', `\`first\` on ${field} is ${size}: the maximum page size is ${budget.maxPageSize}; page with \`after\` instead`);
    return Math.max(size, 0);
  };

  // Types follow the schema so a connection asked for without `first` counts its default page.
  const records = (selectionSet: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined, seen: ReadonlySet<string>): number => {
    if (!selectionSet) return 0;
    let total = 0;
    for (const s of selectionSet.selections) {
      if (s.kind === Kind.FIELD) {
        const definition = isObjectType(parent) ? parent.getFields()[s.name.value] : undefined;
        const inner = records(s.selectionSet, definition ? getNamedType(definition.type) : undefined, seen);
        const paged = definition?.args.some((a) => a.name === 'first') ?? false;
        const first = s.arguments?.find((a) => a.name.value === 'first');
        total += paged || first ? pageOf(first?.value, s.name.value) * (1 + inner) : inner;
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? (schema.getType(s.typeCondition.name.value) ?? undefined) : parent;
        total += records(s.selectionSet, type, seen);
      } else {
        const fragment = fragments.get(s.name.value);
        // A fragment spread inside itself is a validation error already; never loop on it.
        if (fragment && !seen.has(s.name.value))
          total += records(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? undefined, new Set([...seen, s.name.value]));
      }
      if (total > budget.maxRecords) break;
    }
    return total;
  };

  const estimate = records(operation.selectionSet, root, new Set());
  if (estimate > budget.maxRecords)
    throw new QueryLimitError(
      'maxRecords',
      `Query could return about ${estimate} records through nested pages: the limit is ${budget.maxRecords}; ask for smaller pages or fewer nested connections`,
    );
  return estimate;
}

/**
 * The page-size half as a validation rule, for literal values: it runs beside the other
 * limits, so a huge literal `first:` is reported as a page-size problem, not only as cost.
 */
export function pageSizeRule(maxPageSize: number): ValidationRule {
  return (context) => ({
    Argument(node) {
      if (node.name.value !== 'first' || node.value.kind !== Kind.INT) return;
      const size = Number(node.value.value);
      const field = context.getFieldDef()?.name ?? 'a field';
      if (size > maxPageSize)
        context.reportError(new QueryLimitError('maxPageSize', `\`first\` on ${field} is ${size}: the maximum page size is ${maxPageSize}; page with \`after\` instead`));
    },
  });
}
