/**
 * Hostile GraphQL calls generated from the schema itself: every root query and mutation
 * field, every argument, and every field of every input object below it (lists included),
 * gets each hostile value of its type while the other required arguments hold valid ones.
 * A field added to the schema is fuzzed without editing anything here.
 */
import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql';

export interface FuzzCall {
  /** `Query.contacts`, `Mutation.verifyField`, … */
  field: string;
  /** The argument path the hostile value sits at, e.g. `filter.search` or `duplicateIds[]`. */
  target: string;
  /** Which hostile value, for the failure report. */
  label: string;
  query: string;
  variables: Record<string, unknown>;
}

/** Valid values for arguments that are not under attack: real fixture ids where the name says which. */
export interface BenignIds {
  /** By the root field's return type (`Contact`, `SyncRun`, …), for an argument named `id`. */
  byType: Record<string, string>;
  /** By argument name (`connectionId`, `contactId`, …). */
  byArgument: Record<string, string>;
}

const encode = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
const HUGE = 'a'.repeat(900_000);

/**
 * JSON written out as text: nesting deeper than a JavaScript stack can stringify (the
 * request body is assembled around it by `requestBody`).
 */
export class RawJson {
  constructor(readonly text: string) {}
}
const deepArray = (depth: number): RawJson => new RawJson(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
const deepObject = (depth: number): RawJson => new RawJson(`${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);

/** The POST body for a call, with RawJson values spliced in as they are. */
export function requestBody(call: Pick<FuzzCall, 'query' | 'variables'>): string {
  const raw: string[] = [];
  const body = JSON.stringify({ query: call.query, variables: call.variables }, (_key, value: unknown) => {
    if (!(value instanceof RawJson)) return value;
    raw.push(value.text);
    return `\u0000raw:${raw.length - 1}`;
  });
  return body.replace(/"\\u0000raw:(\d+)"/g, (_m, i: string) => raw[Number(i)]!);
}

/** Hostile values per named input type; a type not listed (a new scalar) gets the String values. */
function hostileValues(type: GraphQLNamedType): Array<[string, unknown]> {
  const uuid = randomUUID();
  switch (type.name) {
    case 'ID':
      return [
        ['not a uuid', 'not-a-uuid'],
        ['empty', ''],
        ['nil uuid', '00000000-0000-0000-0000-000000000000'],
        ['unknown uuid', uuid],
        ['uuid with a tail', `${uuid}' OR '1'='1`],
        ['huge', HUGE],
        ['percent garbage', '%E0%A4%A'],
      ];
    case 'Int':
      return [
        ['negative', -1],
        ['zero', 0],
        ['int max', 2_147_483_647],
        ['int min', -2_147_483_648],
      ];
    case 'Float':
      return [
        ['negative huge', -1e308],
        ['huge', 1e308],
        ['tiny', 5e-324],
        ['negative', -1],
      ];
    case 'Boolean':
      return [
        ['true', true],
        ['false', false],
      ];
    case 'JSON':
      return [
        ['deep array', deepArray(100_000)],
        ['deep object', deepObject(50_000)],
        ['wide object', Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]))],
        ['prototype keys', JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"toString":1}')],
        ['huge string', HUGE],
        ['number', -1e308],
        ['null', null],
      ];
    case 'DateTime':
      return [
        ['not a date', 'not-a-date'],
        ['bare number', '1'],
        ['far future', '+275760-09-13T00:00:00.000Z'],
        ['year zero', '0000-01-01T00:00:00Z'],
        ['huge', HUGE],
      ];
    default:
      if (isEnumType(type)) return [...type.getValues().map((v): [string, unknown] => [v.name, v.name]), ['not a value', 'NOT_A_VALUE']];
      return [
        ['empty', ''],
        ['huge', HUGE],
        ['201 characters', 'b'.repeat(201)],
        ['padded', `${' '.repeat(5_000)}x${' '.repeat(5_000)}`],
        ['sql and wildcards', `%_\\' OR '1'='1' --`],
        ['control and surrogates', '\u0007\u001b\u202e😀\ud800'],
        ['percent garbage', '%E0%A4%A'],
        ['cursor: Date.parse yes, PostgreSQL no', encode(['1', uuid])],
        ['cursor: 31 February', encode(['2024-02-31T00:00:00.000000Z', uuid])],
        ['cursor: year 275760', encode(['+275760-09-13T00:00:00.000Z', uuid])],
        ['cursor: id not a uuid', encode(['2024-01-01T00:00:00.000000Z', 'x'])],
        ['cursor: not base64', '!!!not a cursor!!!'],
        ['window: huge number', '99999999999999999999d'],
        ['window: negative', '-1h'],
      ];
  }
}

/** A valid value of an input type; optional arguments and input fields are left out. */
function benignValue(type: GraphQLInputType, name: string, returnType: string, ids: BenignIds): unknown {
  const t = getNullableType(type) as GraphQLInputType;
  if (isListType(t)) return [benignValue(t.ofType, name, returnType, ids)];
  if (isInputObjectType(t)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(t.getFields())) if (isNonNullType(f.type)) out[f.name] = benignValue(f.type, f.name, returnType, ids);
    return out;
  }
  if (isEnumType(t)) return t.getValues()[0]!.value;
  switch (t.name) {
    case 'ID':
      return ids.byArgument[name] ?? (name === 'id' ? ids.byType[returnType] : undefined) ?? randomUUID();
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return true;
    case 'JSON':
      return {};
    case 'DateTime':
      return new Date().toISOString();
    default:
      return `fuzz-${name}-${randomUUID().slice(0, 8)}`;
  }
}

/**
 * Every place a hostile value can go, with the argument's whole value for each: the argument
 * itself, each field of an input object (recursively, the others held valid), one element of
 * a list, and for lists also an empty and a very long list of valid elements.
 */
interface Target {
  path: string;
  values: Array<[string, unknown]>;
}

function targets(type: GraphQLInputType, path: string, name: string, returnType: string, ids: BenignIds, seen: ReadonlySet<string>): Target[] {
  const t = getNullableType(type) as GraphQLInputType;
  if (isListType(t)) {
    const element = t.ofType;
    const many = Array.from({ length: 5_000 }, () => benignValue(element, name, returnType, ids));
    const inner = targets(element, `${path}[]`, name, returnType, ids, seen).map((x) => ({ path: x.path, values: x.values.map(([l, v]): [string, unknown] => [l, [v]]) }));
    return [{ path, values: [['empty list', []], ['5,000 elements', many]] }, ...inner];
  }
  if (isInputObjectType(t)) {
    if (seen.has(t.name)) return [];
    const base = benignValue(t, name, returnType, ids) as Record<string, unknown>;
    return Object.values(t.getFields()).flatMap((f) =>
      targets(f.type, `${path}.${f.name}`, f.name, returnType, ids, new Set([...seen, t.name])).map((x) => ({
        path: x.path,
        values: x.values.map(([l, v]): [string, unknown] => [l, { ...base, [f.name]: v }]),
      })),
    );
  }
  return [{ path, values: hostileValues(t as GraphQLNamedType) }];
}

/** A selection of the return type's leaves (and leaves of objects below, to `depth`), skipping fields that need arguments. */
export function leafSelection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) || depth <= 0) return '{ __typename }';
  const parts = ['__typename'];
  for (const f of Object.values(named.getFields())) {
    if (f.args.some((a) => isNonNullType(a.type))) continue;
    const inner = getNamedType(f.type);
    if (isLeafType(inner)) parts.push(f.name);
    else if (isObjectType(inner) && depth > 1) parts.push(`${f.name} ${leafSelection(f.type, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

function callFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, variables: Record<string, unknown>): string {
  const used = field.args.filter((a) => variables[a.name] !== undefined);
  const defs = used.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const args = used.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `${operation} Fuzz${defs ? `(${defs})` : ''} { ${field.name}${args ? `(${args})` : ''} ${leafSelection(field.type, 3)} }`;
}

/** Every hostile call for every root query and mutation field of the schema. */
export function fuzzCalls(schema: GraphQLSchema, ids: BenignIds): FuzzCall[] {
  const calls: FuzzCall[] = [];
  for (const [operation, root] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const returnType = getNamedType(field.type).name;
      const required = (a: GraphQLArgument) => isNonNullType(a.type) && a.defaultValue === undefined;
      const base: Record<string, unknown> = {};
      for (const a of field.args) if (required(a)) base[a.name] = benignValue(a.type, a.name, returnType, ids);
      const fieldName = `${root!.name}.${field.name}`;
      // The field once as it is meant to be called: fields without arguments are checked too.
      calls.push({ field: fieldName, target: '(none)', label: 'valid arguments', query: callFor(operation, field, base), variables: base });
      for (const a of field.args) {
        for (const target of targets(a.type, a.name, a.name, returnType, ids, new Set())) {
          for (const [label, value] of target.values) {
            const variables = { ...base, [a.name]: value };
            calls.push({ field: fieldName, target: target.path, label, query: callFor(operation, field, variables), variables });
          }
        }
      }
    }
  }
  return calls;
}
