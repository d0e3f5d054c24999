/**
 * Field mappings as versioned data (read, change, history, rollback) and the data dictionary.
 * A change is checked against the CRM's describe and tried in a dry test batch; the sync
 * follows the current version from its next run.
 */
import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { isUuid } from '../../process';
import { type FieldMappingEntry, FieldMappingInputError, MappingVersionConflictError } from '../../process';
import { CAN } from '../auth/roles';
import { BadUserInputError, ConflictError, NotFoundError } from '../common/errors';
import { Connection, toConnection } from '../connections/connection.type';
import type { FieldMappingCommands, JunctionContext } from '../context';
import {
  DictionaryField,
  DictionaryMapping,
  FieldMappingInput,
  FieldMappings,
  MappingVersionConnection,
  toDictionaryField,
  toFieldMapping,
  toMappingVersion,
} from './field-mapping.types';

const HISTORY_MAX = 100;

function mappingsOf(ctx: JunctionContext): FieldMappingCommands {
  if (!ctx.services.mappings) throw new Error('field mappings cannot be read or changed in this deployment');
  return ctx.services.mappings;
}

function connectionIdOf(id: string): string {
  if (!isUuid(id)) throw new NotFoundError('Connection', id);
  return id;
}

function toEntry(input: FieldMappingInput, i: number): FieldMappingEntry {
  const map = input.valueMap ?? null;
  if (map !== null && (typeof map !== 'object' || Array.isArray(map) || Object.values(map).some((v) => typeof v !== 'string')))
    throw new BadUserInputError(`entries.${i}.valueMap: an object of CRM value → unified value (text)`, 'entries');
  return { recordKind: input.recordKind, field: input.field, remoteObject: input.remoteObject, remoteField: input.remoteField, direction: input.direction, transform: input.transform ?? null, valueMap: map as Record<string, string> | null };
}

async function asClientErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof FieldMappingInputError) throw new BadUserInputError(err.message, 'entries');
    if (err instanceof MappingVersionConflictError) throw new ConflictError(err.message);
    throw err;
  }
}

@Resolver()
export class FieldMappingResolver {
  @Authorized(CAN.read)
  @Query(() => FieldMappings, { description: 'A connection’s current field mapping: every unified field of every synced object, standard and custom.' })
  async fieldMappings(@Arg('connectionId', () => ID) connectionId: string, @Ctx() ctx: JunctionContext): Promise<FieldMappings> {
    const current = await mappingsOf(ctx).current(connectionIdOf(connectionId));
    if (!current) throw new NotFoundError('Connection', connectionId);
    return { connectionId, version: current.version, entries: current.entries.map(toFieldMapping) };
  }

  @Authorized(CAN.administer)
  @Mutation(() => FieldMappings, {
    description:
      'Changes entries of a connection’s field mapping as its next version (author: the API key’s name), after checking them against the CRM’s describe: a field it does not have, or a type that does not fit, is BAD_USER_INPUT and changes nothing. The new version is tried in a dry test batch of 10 records (mappingHistory shows the outcome) and the sync follows it from its next run; its next full run passes the sync’s own test batch first.',
  })
  async setFieldMappings(
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('entries', () => [FieldMappingInput]) entries: FieldMappingInput[],
    @Arg('note', () => String, { nullable: true }) note: string | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<FieldMappings> {
    const changes = entries.map(toEntry);
    const written = await asClientErrors(() => mappingsOf(ctx).set(connectionIdOf(connectionId), changes, note?.trim() || null, { keyId: ctx.principal?.id ?? null }));
    if (!written) throw new NotFoundError('Connection', connectionId);
    return (await this.fieldMappings(connectionId, ctx)) satisfies FieldMappings;
  }

  @Authorized(CAN.read)
  @Query(() => MappingVersionConnection, { description: 'A connection’s field-mapping versions, newest first.' })
  async mappingHistory(
    @Arg('connectionId', () => ID) connectionId: string,
    @Arg('first', () => Int, { nullable: true }) first: number | null | undefined,
    @Ctx() ctx: JunctionContext,
  ): Promise<MappingVersionConnection> {
    const limit = first ?? 20;
    if (limit < 0 || limit > HISTORY_MAX) throw new BadUserInputError(`first must be between 0 and ${HISTORY_MAX}`, 'first');
    if (!(await ctx.loaders.connectionById.load(connectionIdOf(connectionId)))) throw new NotFoundError('Connection', connectionId);
    const { versions, totalCount } = await mappingsOf(ctx).history(connectionId, limit);
    const edges = versions.map((v) => ({ cursor: `v${v.version}`, node: toMappingVersion(v) }));
    return {
      edges,
      pageInfo: { hasNextPage: totalCount > versions.length, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
      totalCount,
    };
  }

  @Authorized(CAN.administer)
  @Mutation(() => FieldMappings, { description: 'Makes an old version’s mapping current again, as a new version (tried in a dry test batch like any change). NOT_FOUND for an unknown version.' })
  async rollbackMapping(@Arg('connectionId', () => ID) connectionId: string, @Arg('version', () => Int) version: number, @Ctx() ctx: JunctionContext): Promise<FieldMappings> {
    const written = await asClientErrors(() => mappingsOf(ctx).rollback(connectionIdOf(connectionId), version, { keyId: ctx.principal?.id ?? null }));
    if (!written) throw new NotFoundError('Mapping version', `${connectionId} v${version}`);
    return this.fieldMappings(connectionId, ctx);
  }

  @Authorized(CAN.read)
  @Query(() => [DictionaryField], { description: 'Every unified field: type, meaning, validation rules, owner rule, and how each live connection maps it (from the current mapping versions).' })
  async dataDictionary(@Ctx() ctx: JunctionContext): Promise<DictionaryField[]> {
    return (await mappingsOf(ctx).dictionary()).map(toDictionaryField);
  }
}

@Resolver(() => DictionaryMapping)
export class DictionaryMappingResolver {
  @FieldResolver(() => Connection, { description: 'The connection that maps the field.' })
  async connection(@Root() mapping: DictionaryMapping, @Ctx() ctx: JunctionContext): Promise<Connection> {
    const view = await ctx.loaders.connectionById.load(mapping.connectionId);
    if (!view) throw new NotFoundError('Connection', mapping.connectionId);
    return toConnection(view);
  }
}
