/**
 * Dataverse and Entra ID (AAD) error bodies, as the real services send them.
 * https://learn.microsoft.com/power-apps/developer/data-platform/webapi/compose-http-requests-handle-errors
 */
import { randomUUID } from 'node:crypto';
import { empty, json, type EmulatorResponse } from '../../emulator-kit';
import { SERVICE_PROTECTION } from '../descriptor';

export const ODATA_HEADERS = { 'OData-Version': '4.0' } as const;

/** `{"error":{"code":"0x…","message":"…"}}` with the OData JSON content type. */
export const dataverseError = (status: number, code: string, message: string, headers: Record<string, string> = {}): EmulatorResponse =>
  json(status, { error: { code, message } }, { 'content-type': 'application/json; odata.metadata=minimal', ...ODATA_HEADERS, ...headers });

export const CODES = {
  required: '0x80040200',
  invalidArgument: '0x80040203',
  badSegment: '0x80060888',
  badBody: '0x8006088a',
  unknownProperty: '0x80048d19',
  notFound: '0x80040217',
  duplicate: '0x80040237',
  serverError: '0x80040216',
} as const;

export const notFound = (logicalName: string, id: string): EmulatorResponse =>
  dataverseError(404, CODES.notFound, `${logicalName} With Id = ${id} Does Not Exist`);

export const badRequest = (code: string, message: string): EmulatorResponse => dataverseError(400, code, message);

/** Service protection: too many requests in the 5-minute window (also used for the emulator's "quota"). */
export const tooManyRequests = (retryAfterSeconds: number): EmulatorResponse =>
  dataverseError(429, SERVICE_PROTECTION.requests.code, SERVICE_PROTECTION.requests.message, { 'Retry-After': String(retryAfterSeconds) });

export const serviceUnavailable = (): EmulatorResponse =>
  dataverseError(503, CODES.serverError, 'The service is temporarily unavailable. Please try again later.');

/** An expired or missing bearer: 401 with an empty body and the challenge header. */
export const unauthorized = (): EmulatorResponse =>
  empty(401, {
    'WWW-Authenticate':
      'Bearer error=invalid_token, error_description="Error during token validation!", authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=https://junction.crm.dynamics.com',
  });

/** Entra ID's token error body (AADSTS codes), 400 or 401. */
export function aadError(status: 400 | 401, error: string, aadsts: number, description: string): EmulatorResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return json(status, {
    error,
    error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${new Date().toISOString()}`,
    error_codes: [aadsts],
    timestamp: new Date().toISOString(),
    trace_id: traceId,
    correlation_id: correlationId,
  });
}
