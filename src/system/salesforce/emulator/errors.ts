/**
 * Salesforce error bodies: REST answers `[{message, errorCode, fields?}]`; inside a
 * SaveResult the same facts are `{statusCode, message, fields}` (crm-wire.md §1.2, §1.4).
 */
import { json, type EmulatorResponse } from '../../emulator-kit';

export interface SfError {
  statusCode: string;
  message: string;
  fields: string[];
}

export const sfError = (statusCode: string, message: string, fields: string[] = []): SfError => ({ statusCode, message, fields });

/** A REST error answer: the body is always a JSON array. */
export function restError(status: number, errorCode: string, message: string, fields?: string[]): EmulatorResponse {
  return json(status, [{ message, errorCode, ...(fields && fields.length ? { fields } : {}) }]);
}

/** An OAuth endpoint's refusal: `{error, error_description}` (crm-wire.md §1.1). */
export const oauthError = (error: string, description: string, status = 400): EmulatorResponse => json(status, { error, error_description: description });

export const fromSfError = (status: number, e: SfError): EmulatorResponse => restError(status, e.statusCode, e.message, e.fields);

/** Thrown by route helpers to end a request with a Salesforce error answer. */
export class SfHttpError extends Error {
  constructor(readonly response: EmulatorResponse) {
    super('salesforce error answer');
  }
  static of(status: number, errorCode: string, message: string, fields?: string[]): SfHttpError {
    return new SfHttpError(restError(status, errorCode, message, fields));
  }
}

export const NOT_FOUND_MESSAGE = 'The requested resource does not exist';
export const notFound = (): EmulatorResponse => restError(404, 'NOT_FOUND', NOT_FOUND_MESSAGE);
