/**
 * Batch endpoints: create, read, update, upsert, archive; at most 100 inputs each.
 * Partial failure answers 207 with one error per failed input, carrying the input's id
 * and `objectWriteTraceId` in `context` so callers can map errors back.
 * https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/batch/upsert-contacts
 */
import { empty, json, type EmulatorRequest, type EmulatorResponse } from '../../emulator-kit';
import { HUBSPOT_LIMITS, HUBSPOT_OBJECTS, type HubspotObject } from '../descriptor';
import { validationError, type RecordFailure } from './errors';
import { addInlineAssociations, full, lookup } from './routes-basic';
import { flag, isoNow, type HubspotState } from './state';
import { present, type WireBody } from './store';
import { coerceProperties, isFailure, uniqueProperties } from './validate';

interface BatchInput {
  id?: unknown;
  idProperty?: unknown;
  properties?: unknown;
  associations?: unknown;
  objectWriteTraceId?: unknown;
}

interface BatchError {
  status: 'error';
  category: string;
  message: string;
  context: Record<string, string[]>;
  errors?: RecordFailure['errors'];
}

class Batch {
  readonly results: WireBody[] = [];
  readonly errors: BatchError[] = [];
  constructor(
    private state: HubspotState,
    readonly startedAt = isoNow(state),
  ) {}

  fail(failure: RecordFailure, input: BatchInput): void {
    const context: Record<string, string[]> = { ...failure.context };
    if (typeof input.id === 'string' || typeof input.id === 'number') context.ids = [String(input.id)];
    if (typeof input.objectWriteTraceId === 'string') context.objectWriteTraceId = [input.objectWriteTraceId];
    this.errors.push({ status: 'error', category: failure.category, message: failure.message, context, errors: failure.errors });
  }

  succeed(record: WireBody, input: BatchInput, extra: Record<string, unknown> = {}): void {
    const trace = typeof input.objectWriteTraceId === 'string' ? { objectWriteTraceId: input.objectWriteTraceId } : {};
    this.results.push({ ...record, ...extra, ...trace });
  }

  answer(okStatus: number): EmulatorResponse {
    const base = { status: 'COMPLETE', results: this.results, startedAt: this.startedAt, completedAt: isoNow(this.state) };
    return this.errors.length ? json(207, { ...base, numErrors: this.errors.length, errors: this.errors }) : json(okStatus, base);
  }
}

const notFoundFailure = (object: HubspotObject, ids: string[]): RecordFailure => ({
  httpStatus: 404,
  category: 'OBJECT_NOT_FOUND',
  message: `Could not get some ${HUBSPOT_OBJECTS[object].singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`,
  context: { ids },
});

/** Parses `{inputs: [...]}` and enforces the 100-input limit with HubSpot's 400. */
function readInputs(req: EmulatorRequest): BatchInput[] | EmulatorResponse {
  const body = req.json<{ inputs?: unknown }>();
  if (!Array.isArray(body?.inputs)) return validationError('Invalid input JSON: expected an object with an "inputs" array');
  if (body.inputs.length > HUBSPOT_LIMITS.batchInputs) {
    return validationError(`Batch input is limited to ${HUBSPOT_LIMITS.batchInputs} inputs, got ${body.inputs.length}.`);
  }
  return (body.inputs as unknown[]).map((i) => (typeof i === 'object' && i !== null ? (i as BatchInput) : {}));
}

function duplicateIds(inputs: BatchInput[]): EmulatorResponse | undefined {
  const seen = new Set<string>();
  const dupes = new Set<string>();
  for (const i of inputs) {
    const id = String(i.id);
    if (seen.has(id)) dupes.add(id);
    seen.add(id);
  }
  return dupes.size ? validationError(`Duplicate IDs found in batch input: [${[...dupes].join(', ')}]. IDs must be unique`) : undefined;
}

export function batchRoute(state: HubspotState, object: HubspotObject, op: string, req: EmulatorRequest): EmulatorResponse {
  const inputs = readInputs(req);
  if (!Array.isArray(inputs)) return inputs;
  const store = state.stores[object];
  const batch = new Batch(state);
  switch (op) {
    case 'create':
      for (const input of inputs) {
        const props = coerceProperties(input.properties);
        const row = isFailure(props) ? props : store.create(props);
        if (isFailure(row)) batch.fail(row, input);
        else {
          addInlineAssociations(state, object, row.key, input.associations);
          batch.succeed(full(row, object), input);
        }
      }
      return batch.answer(201);
    case 'read': {
      const body = req.json<{ properties?: unknown; idProperty?: unknown }>();
      const properties = Array.isArray(body.properties) ? body.properties.filter((p): p is string => typeof p === 'string') : undefined;
      const idProperty = typeof body.idProperty === 'string' ? body.idProperty : undefined;
      const missing: string[] = [];
      for (const input of inputs) {
        const row = lookup(store, String(input.id), idProperty, flag(req, 'archived'));
        if (row) batch.succeed(present(row, object, properties, store.properties), {});
        else missing.push(String(input.id));
      }
      // HubSpot reports every missing id of a read in one error.
      if (missing.length) batch.fail(notFoundFailure(object, missing), {});
      return batch.answer(200);
    }
    case 'update': {
      const dupes = duplicateIds(inputs);
      if (dupes) return dupes;
      for (const input of inputs) {
        const props = coerceProperties(input.properties);
        if (isFailure(props)) {
          batch.fail(props, input);
          continue;
        }
        const row = lookup(store, String(input.id), typeof input.idProperty === 'string' ? input.idProperty : undefined, false);
        const updated = row ? store.update(row, props) : notFoundFailure(object, [String(input.id)]);
        if (isFailure(updated)) batch.fail(updated, input);
        else batch.succeed(full(updated, object), input);
      }
      return batch.answer(200);
    }
    case 'upsert': {
      const dupes = duplicateIds(inputs);
      if (dupes) return dupes;
      const allowed = uniqueProperties(object);
      for (const input of inputs) {
        if (typeof input.idProperty !== 'string' || !allowed.includes(input.idProperty)) {
          return validationError(`idProperty must be a unique property of ${object} (${allowed.join(', ')}), got ${String(input.idProperty)}`);
        }
        if (store.properties.isMissing(input.idProperty)) return validationError(`Property "${input.idProperty}" does not exist`);
      }
      for (const input of inputs) {
        const props = coerceProperties(input.properties);
        const id = String(input.id);
        if (isFailure(props)) {
          batch.fail(props, input);
          continue;
        }
        const idProperty = input.idProperty as string;
        const existing = store.findBy(idProperty, id);
        const row = existing ? store.update(existing, { ...props, [idProperty]: id }) : store.create({ ...props, [idProperty]: id });
        if (isFailure(row)) batch.fail(row, input);
        else batch.succeed(full(row, object), input, { new: !existing });
      }
      return batch.answer(200);
    }
    case 'archive':
      for (const input of inputs) {
        const row = store.get(String(input.id));
        if (row) store.archive(row);
      }
      return empty(204);
    default:
      return validationError(`Unknown batch operation: ${op}`);
  }
}
