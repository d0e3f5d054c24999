/**
 * Input every resolver can take, checked against the schema's argument types before the
 * operation runs (variables and literals alike, input objects and lists included), so a
 * field added to the schema is covered without a line here. Refused with BAD_USER_INPUT
 * (HTTP 400) naming where:
 * - U+0000 anywhere: PostgreSQL `text` and `jsonb` cannot hold it.
 * - An `ID` that is not a UUID: every id Junction issues is one (a CRM's own record id is a
 *   String), and anything else would reach SQL as a cast error, answered as a masked 500.
 * - A string over `maxStringLength` characters: no argument needs more, and free text
 *   (names, reasons, search terms) is work for the database in proportion to its length.
 * - JSON nested deeper than `maxJsonDepth` or holding more than `maxJsonValues` values: a
 *   patch or rule parameters are small; deep ones overflow recursive code (a masked 500)
 *   and wide ones make a retry or a stored rule slow for everyone after.
 * Other control characters, SQL and markup are data: queries are parameterised and the
 * API returns JSON, so they are stored as sent.
 */
import {
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  isScalarType,
  Kind,
  typeFromAST,
  TypeInfo,
  valueFromAST,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { isUuid } from '../../process';
import { selectedOperation } from './operation';

export interface InputLimits {
  /** Longest string argument or input field, in characters. @default 10000 */
  maxStringLength: number;
  /** Deepest nesting of a JSON argument. @default 20 */
  maxJsonDepth: number;
  /** Most values (objects, arrays and leaves) in one JSON argument. @default 1000 */
  maxJsonValues: number;
}

export const DEFAULT_INPUT_LIMITS: InputLimits = { maxStringLength: 10_000, maxJsonDepth: 20, maxJsonValues: 1_000 };

/** An argument value refused before the operation ran. */
export class InputError extends GraphQLError {
  declare readonly extensions: { code: 'BAD_USER_INPUT'; field: string; http: { status: 400 } };
  constructor(field: string, message: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });
  }
}

export class NulCharacterError extends InputError {
  constructor(field: string) {
    super(field, `${field} contains a NUL character (U+0000), which cannot be stored: remove it`);
  }
}

function checkString(value: string, field: string, limits: InputLimits): void {
  if (value.includes('\u0000')) throw new NulCharacterError(field);
  if (value.length > limits.maxStringLength) throw new InputError(field, `${field} is ${value.length} characters long: the limit is ${limits.maxStringLength}`);
}

/** Iterative, so no nesting depth can overflow the stack while it is measured. */
function checkJson(root: unknown, field: string, limits: InputLimits): void {
  const stack: Array<[unknown, number, string]> = [[root, 1, field]];
  let values = 0;
  while (stack.length > 0) {
    const [value, depth, path] = stack.pop()!;
    if (++values > limits.maxJsonValues) throw new InputError(field, `${field} holds more than ${limits.maxJsonValues} JSON values: send less`);
    if (typeof value === 'string') checkString(value, path, limits);
    if (value === null || typeof value !== 'object') continue;
    if (depth > limits.maxJsonDepth) throw new InputError(field, `${field} is nested more than ${limits.maxJsonDepth} levels deep`);
    for (const [k, v] of Object.entries(value)) {
      if (!Array.isArray(value)) checkString(k, `${path} key`, limits);
      stack.push([v, depth + 1, Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`]);
    }
  }
}

/** Walks a value along its input type; values of the wrong shape are left to GraphQL's own coercion errors. */
function checkValue(value: unknown, type: GraphQLInputType, field: string, limits: InputLimits): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type) as GraphQLInputType;
  if (isListType(t)) {
    if (Array.isArray(value)) value.forEach((v, i) => checkValue(v, t.ofType, `${field}[${i}]`, limits));
    else checkValue(value, t.ofType, field, limits);
  } else if (isInputObjectType(t)) {
    if (typeof value !== 'object') return;
    const fields = t.getFields();
    for (const [k, v] of Object.entries(value)) if (fields[k]) checkValue(v, fields[k].type, `${field}.${k}`, limits);
  } else if (isScalarType(t) && t.name === 'JSON') {
    checkJson(value, field, limits);
  } else if (isScalarType(t) && t.name === 'ID') {
    // ID also takes integers, which no UUID column accepts either.
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') return;
    checkString(text, field, limits);
    if (!isUuid(text)) throw new InputError(field, `${field} is not an id: Junction's ids are UUIDs`);
  } else if (typeof value === 'string') {
    checkString(value, field, limits);
  }
}

/**
 * Throws InputError for the first value over a limit: in the variables the operation
 * declares (by their declared type) and in the literal arguments of the whole document.
 */
export function checkInputs(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined, limits: InputLimits): void {
  for (const definition of selectedOperation(schema, document, operationName)?.operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    const name = definition.variable.name.value;
    if (type) checkValue(variables?.[name], type, `$${name}`, limits);
  }
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const argument = typeInfo.getArgument();
        // Variables were checked above by their declared type; literals are checked here.
        if (!argument || node.value.kind === Kind.VARIABLE) return;
        checkValue(valueFromAST(node.value, argument.type, variables ?? undefined), argument.type, node.name.value, limits);
      },
    }),
  );
}
