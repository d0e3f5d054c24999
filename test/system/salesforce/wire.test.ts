/** The adapter's pure parts: error classification, usage headers, cursors and the change query. */
import { describe, expect, it } from 'vitest';
import { changesSoql } from '../../../src/system/salesforce/changes';
import { decodeCursor, encodeCursor, selectList, toRemoteRecord } from '../../../src/system/salesforce/normalize';
import { classifyCode, classifyFailure, usageFromHeaders } from '../../../src/system/salesforce/wire';

describe('classifyFailure', () => {
  it.each([
    [401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }], 'AUTHENTICATION', 'INVALID_SESSION_ID', false],
    [403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 'RATE_LIMIT', 'REQUEST_LIMIT_EXCEEDED', true],
    [403, [{ message: 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 'RATE_LIMIT', 'REQUEST_LIMIT_EXCEEDED', false],
    [429, [{ message: 'slow down', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], 'RATE_LIMIT', 'REQUEST_LIMIT_EXCEEDED', false],
    [403, [{ message: 'no', errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' }], 'PERMISSION', 'INSUFFICIENT_ACCESS_OR_READONLY', false],
    [403, [{ message: 'no', errorCode: 'INSUFFICIENT_ACCESS_SOMETHING_NEW' }], 'PERMISSION', 'INSUFFICIENT_ACCESS_SOMETHING_NEW', false],
    [400, [{ message: 'bad', errorCode: 'MALFORMED_QUERY' }], 'VALIDATION', 'MALFORMED_QUERY', false],
    [400, [{ message: 'bad', errorCode: 'INVALID_FIELD' }], 'VALIDATION', 'INVALID_FIELD', false],
    [404, [{ message: 'gone', errorCode: 'NOT_FOUND' }], 'NOT_FOUND', 'NOT_FOUND', false],
    [300, [{ message: 'many', errorCode: 'MULTIPLE_CHOICES' }], 'CONFLICT', 'MULTIPLE_CHOICES', false],
    [503, [{ message: 'down', errorCode: 'SERVER_UNAVAILABLE' }], 'SERVER', 'SERVER_UNAVAILABLE', false],
    [500, [{ message: 'odd', errorCode: 'INVALID_FIELD' }], 'SERVER', 'INVALID_FIELD', false],
    [400, { error: 'invalid_grant', error_description: 'expired access/refresh token' }, 'AUTHENTICATION', 'invalid_grant', false],
    [502, '<html>bad gateway</html>', 'SERVER', 'HTTP_502', false],
    [418, undefined, 'UNKNOWN', 'HTTP_418', false],
  ])('%i %j → %s', (status, body, errorClass, code, quota) => {
    const f = classifyFailure(status, body);
    expect(f).toMatchObject({ errorClass, code });
    expect(f.quotaExhausted === true).toBe(quota);
  });

  it.each([
    ['REQUIRED_FIELD_MISSING', 'VALIDATION'],
    ['INVALID_EMAIL_ADDRESS', 'VALIDATION'],
    ['FIELD_CUSTOM_VALIDATION_EXCEPTION', 'VALIDATION'],
    ['DUPLICATE_VALUE', 'CONFLICT'],
    ['CANNOT_UPDATE_CONVERTED_LEAD', 'CONFLICT'],
    ['ENTITY_IS_DELETED', 'NOT_FOUND'],
    ['SOMETHING_ELSE', 'UNKNOWN'],
  ])('per-record statusCode %s → %s', (code, cls) => {
    expect(classifyCode(code)).toBe(cls);
  });
});

describe('usage and cursors', () => {
  it('parses Sforce-Limit-Info with or without api-bursts', () => {
    expect(usageFromHeaders(new Headers({ 'Sforce-Limit-Info': 'api-usage=18/5000' }))).toEqual({ used: 18, limit: 5000 });
    expect(usageFromHeaders(new Headers({ 'Sforce-Limit-Info': 'api-usage=7/15000; api-bursts=1/750' }))).toEqual({ used: 7, limit: 15000 });
    expect(usageFromHeaders(new Headers())).toBeUndefined();
  });

  it('round-trips cursors and refuses foreign ones', () => {
    const c = { stamp: '2024-05-20T20:49:32.123Z', id: '00Q5g000000001AAA' };
    expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor('2024-05-20T20:49:32Z|x')).toEqual({ stamp: '2024-05-20T20:49:32.000Z', id: 'x' });
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor("2024-05-20T20:49:32Z|x' OR Id != '")).toBeUndefined();
  });

  it('writes a tie-safe change query selecting only what is asked', () => {
    expect(selectList(['LastName', 'id', 'Email', 'lastname'])).toEqual(['Id', 'SystemModstamp', 'IsDeleted', 'Junction_Id__c', 'LastName', 'Email']);
    expect(changesSoql('Lead', ['Email'], undefined)).toBe('SELECT Id, SystemModstamp, IsDeleted, Junction_Id__c, Email FROM Lead ORDER BY SystemModstamp ASC, Id ASC');
    expect(changesSoql('Lead', [], { stamp: '2024-05-20T20:49:32.000Z', id: '00Qa' })).toBe(
      "SELECT Id, SystemModstamp, IsDeleted, Junction_Id__c FROM Lead WHERE SystemModstamp > 2024-05-20T20:49:32Z OR (SystemModstamp = 2024-05-20T20:49:32Z AND Id > '00Qa') ORDER BY SystemModstamp ASC, Id ASC",
    );
    expect(() => changesSoql('Lead; DROP', [], undefined)).toThrow(/API name/);
  });

  it('normalizes a query row and flags what it cannot read', () => {
    const ok = toRemoteRecord('Lead', { attributes: { type: 'Lead' }, Id: '00Q1', SystemModstamp: '2024-05-20T20:49:32.000+0000', IsDeleted: false, Address: { city: 'X' } });
    expect(ok).toEqual({ remoteType: 'Lead', remoteId: '00Q1', modifiedAt: '2024-05-20T20:49:32.000Z', deleted: false, fields: { Id: '00Q1', SystemModstamp: '2024-05-20T20:49:32.000+0000', IsDeleted: false, Address: '{"city":"X"}' } });
    const bad = toRemoteRecord('Lead', { IsDeleted: true, SystemModstamp: 12 });
    expect(bad.remoteId).toBe('');
    expect(bad.deleted).toBe(true);
    expect(bad.malformed).toBe('record has no Id; unparseable SystemModstamp: 12');
  });
});
