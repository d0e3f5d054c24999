/** Property checks HubSpot applies on every write: input shape, read-only, email format, uniqueness. */
import { HUBSPOT_DESCRIPTOR, HUBSPOT_OBJECTS, READ_ONLY_PROPERTIES, type HubspotObject } from '../descriptor';
import { invalidProperties, type RecordFailure } from './errors';
import type { ObjectStore, Properties, StoredRecord } from './store';

// Deliberately simple: HubSpot rejects obviously broken addresses, not every RFC oddity.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** HubSpot stores every property value as a string; numbers and booleans are coerced. */
export function coerceProperties(input: unknown): Properties | RecordFailure {
  if (input === undefined) return {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { httpStatus: 400, category: 'VALIDATION_ERROR', message: 'Invalid input JSON: properties must be an object of property names to values' };
  }
  const out: Properties = {};
  const bad: string[] = [];
  for (const [name, value] of Object.entries(input)) {
    if (value === null || typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else bad.push(name);
  }
  if (bad.length)
    return invalidProperties(bad.map((name) => ({ name, error: 'INVALID_PROPERTY_VALUE', message: `${name} must be a string, number or boolean` })));
  return out;
}

/** The external-id property is unique on both objects; email is unique on contacts too. */
export function uniqueProperties(object: HubspotObject): string[] {
  return object === 'contacts' ? ['email', HUBSPOT_DESCRIPTOR.externalIdField] : [HUBSPOT_DESCRIPTOR.externalIdField];
}

export function isFailure(value: unknown): value is RecordFailure {
  return typeof value === 'object' && value !== null && 'httpStatus' in value && 'category' in value;
}

export function checkProperties(store: ObjectStore, input: Properties, self: StoredRecord | undefined): RecordFailure | undefined {
  const problems: Array<{ name: string; error: string; message: string }> = [];
  for (const name of Object.keys(input)) {
    if (store.properties.isMissing(name)) problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
    else if (READ_ONLY_PROPERTIES.has(name)) problems.push({ name, error: 'READ_ONLY_VALUE', message: `${name} is a read only property; its value cannot be set.` });
  }
  const email = input.email;
  if (store.object === 'contacts' && typeof email === 'string' && email !== '' && !EMAIL.test(email)) {
    problems.push({ name: 'email', error: 'INVALID_EMAIL', message: `Email address ${email} is invalid` });
  }
  if (problems.length) return invalidProperties(problems);
  for (const name of uniqueProperties(store.object)) {
    const value = input[name];
    if (typeof value !== 'string' || value === '') continue;
    const other = store.findBy(name, value);
    if (!other || other === self) continue;
    const message =
      name === 'email'
        ? `Contact already exists. Existing ID: ${other.key}`
        : `A ${HUBSPOT_OBJECTS[store.object].singular} with ${name} "${value}" already exists. Existing ID: ${other.key}`;
    return { httpStatus: 409, category: 'CONFLICT', message, errors: [{ message, code: 'DUPLICATE_VALUE', context: { propertyName: [name] } }] };
  }
  store.properties.noteWritten(Object.keys(input));
  return undefined;
}
