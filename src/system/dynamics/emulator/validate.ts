/**
 * Write validation as Dataverse does it: unknown columns, value types, lookups bound with
 * `@odata.bind`, required columns, and the `junction_id` alternate key's uniqueness.
 */
import type { EmulatorResponse } from '../../emulator-kit';
import { DATAVERSE_ENTITIES, DYNAMICS_DESCRIPTOR, type DataverseEntitySet } from '../descriptor';
import { LOOKUPS, READ_ONLY } from './columns';
import { CODES, badRequest, dataverseError, notFound } from './errors';
import type { DataverseState } from './state';
import type { Body, Row } from './store';

const ALT_KEY = DYNAMICS_DESCRIPTOR.externalIdField;
export type Validated = { values: Body } | { error: EmulatorResponse };

const fail = (error: EmulatorResponse): Validated => ({ error });
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a create/update body; returns the column values to store, or Dataverse's error. */
export function validateWrite(state: DataverseState, set: DataverseEntitySet, input: unknown, existing: Row | undefined): Validated {
  const facts = DATAVERSE_ENTITIES[set];
  const type = `Microsoft.Dynamics.CRM.${facts.logicalName}`;
  if (!isObj(input)) return fail(badRequest(CODES.badBody, `The request body for entity '${set}' must be a JSON object.`));
  const values: Body = {};
  for (const [name, value] of Object.entries(input)) {
    if (name.startsWith('@')) continue;
    const bind = /^(\w+)@odata\.bind$/.exec(name);
    if (bind) {
      const lookup = LOOKUPS[set]?.[bind[1]!];
      if (!lookup) return fail(badRequest(CODES.unknownProperty, `An undeclared property '${bind[1]}' which only has property annotations in the payload but no property value was found in the payload.`));
      if (value === null) {
        values[lookup.column] = null;
        continue;
      }
      const m = typeof value === 'string' ? /(\w+)\(([0-9a-fA-F-]{36})\)$/.exec(value) : null;
      if (!m || m[1] !== lookup.target) return fail(badRequest(CODES.badBody, `The URI '${String(value)}' is not a valid reference to ${lookup.target}.`));
      if (!state.stores[lookup.target].get(m[2]!)) return fail(notFound(DATAVERSE_ENTITIES[lookup.target].logicalName, m[2]!));
      values[lookup.column] = m[2]!.toLowerCase();
      continue;
    }
    const columnType = state.columns[set][name];
    if (!columnType) return fail(badRequest(CODES.unknownProperty, `Invalid property '${name}' was found in entity '${type}'.`));
    if (name === facts.key || READ_ONLY.has(name)) continue;
    if (value !== null && columnType === 'string' && typeof value !== 'string')
      return fail(badRequest(CODES.badBody, `Cannot convert the literal '${String(value)}' to the expected type 'Edm.String'.`));
    if (value !== null && columnType === 'number' && typeof value !== 'number')
      return fail(badRequest(CODES.badBody, `Cannot convert the literal '${String(value)}' to the expected type 'Edm.Int32'.`));
    values[name] = value;
  }
  const merged = { ...existing?.body, ...values };
  for (const column of facts.required) {
    const v = merged[column];
    if (v === undefined || v === null || v === '')
      return fail(badRequest(CODES.required, `A value for the required column '${column}' of table '${facts.logicalName}' was not provided.`));
  }
  const altKey = values[ALT_KEY];
  if (typeof altKey === 'string' && altKey !== '') {
    const holder = state.stores[set].findBy(ALT_KEY, altKey);
    if (holder && holder.key !== existing?.key) return fail(dataverseError(412, CODES.duplicate, `A record with matching key values already exists.`));
  }
  return { values };
}

