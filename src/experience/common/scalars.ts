/**
 * The two custom scalars of the contract: DateTime (ISO-8601, always rendered in UTC) and
 * JSON (any JSON value). Both come from graphql-scalars; DateTime keeps the contract's name.
 */
import { GraphQLScalarType } from 'graphql';
import { GraphQLDateTimeISO, GraphQLJSON } from 'graphql-scalars';

export const DateTimeScalar = new GraphQLScalarType({
  ...GraphQLDateTimeISO.toConfig(),
  name: 'DateTime',
  description: 'An ISO-8601 date-time, rendered in UTC (`2024-11-26T09:30:00.000Z`).',
  specifiedByURL: undefined,
});

export const JSONScalar = GraphQLJSON;

/** Dates arrive as Date objects in-process and as ISO strings through Redis (JSON payloads). */
export function toDate(value: Date | string | null | undefined): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value);
}
