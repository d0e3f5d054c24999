/** Pure pieces: error classification table, usage headers, cursor, record normalization. */
import { describe, expect, it } from 'vitest';
import { advance, alreadySeen, decodeCursor, encodeCursor } from '../../../src/system/hubspot/cursor';
import { normalize } from '../../../src/system/hubspot/normalize';
import { parseRecord } from '../../../src/system/hubspot/types';
import { classifyHubspot, usageFromHeaders } from '../../../src/system/hubspot/wire';

describe('classifyHubspot', () => {
  const cases: Array<[string, number, unknown, string, string, boolean?]> = [
    [
      '401',
      401,
      { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'Authentication credentials not found.' },
      'AUTHENTICATION',
      'INVALID_AUTHENTICATION',
    ],
    ['403 missing scopes', 403, { status: 'error', category: 'MISSING_SCOPES', message: 'no scope' }, 'PERMISSION', 'MISSING_SCOPES'],
    [
      '429 ten-secondly',
      429,
      { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' },
      'RATE_LIMIT',
      'TEN_SECONDLY_ROLLING',
    ],
    ['429 search secondly', 429, { status: 'error', category: 'RATE_LIMITS', message: 'You have reached your secondly limit.' }, 'RATE_LIMIT', 'SECONDLY'],
    ['429 daily', 429, { status: 'error', policyName: 'DAILY', message: 'You have reached your daily limit.' }, 'RATE_LIMIT', 'DAILY', true],
    [
      '400 validation',
      400,
      { status: 'error', category: 'VALIDATION_ERROR', errors: [{ code: 'INVALID_EMAIL', message: 'bad' }] },
      'VALIDATION',
      'INVALID_EMAIL',
    ],
    ['409 conflict', 409, { status: 'error', category: 'CONFLICT', message: 'Contact already exists. Existing ID: 5' }, 'CONFLICT', 'CONFLICT'],
    ['404 not found', 404, { status: 'error', category: 'OBJECT_NOT_FOUND' }, 'NOT_FOUND', 'OBJECT_NOT_FOUND'],
    ['502 html', 502, '<html>Bad gateway</html>', 'SERVER', 'HTTP_502'],
    ['503', 503, { status: 'error', category: 'SERVICE_UNAVAILABLE' }, 'SERVER', 'SERVICE_UNAVAILABLE'],
    ['oauth bad refresh token', 400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or unknown refresh token' }, 'AUTHENTICATION', 'BAD_REFRESH_TOKEN'],
    ['unknown 4xx body', 418, undefined, 'UNKNOWN', 'HTTP_418'],
  ];
  it.each(cases)('%s', (_name, status, body, errorClass, code, quotaExhausted) => {
    const f = classifyHubspot(status, body);
    expect(f.errorClass).toBe(errorClass);
    expect(f.code).toBe(code);
    expect(f.quotaExhausted === true).toBe(quotaExhausted === true);
  });
});

describe('usageFromHeaders', () => {
  it('reads Daily and Daily-Remaining, and nothing when absent (search answers)', () => {
    expect(usageFromHeaders(new Headers({ 'X-HubSpot-RateLimit-Daily': '250000', 'X-HubSpot-RateLimit-Daily-Remaining': '249990' }))).toEqual({
      used: 10,
      limit: 250000,
    });
    expect(usageFromHeaders(new Headers({ 'X-HubSpot-RateLimit-Max': '100' }))).toBeUndefined();
  });
});

describe('cursor', () => {
  it('round-trips and treats ties at the boundary stamp by id', () => {
    let c = advance(null, 1000, '7');
    c = advance(c, 1000, '9');
    expect(decodeCursor(encodeCursor(c))).toEqual({ stampMs: 1000, idsAtStamp: ['7', '9'] });
    expect(alreadySeen(c, 1000, '9')).toBe(true);
    expect(alreadySeen(c, 1000, '8')).toBe(false);
    expect(alreadySeen(c, 999, '1')).toBe(true);
    expect(advance(c, 1001, '1')).toEqual({ stampMs: 1001, idsAtStamp: ['1'] });
    expect(decodeCursor(null)).toBeNull();
    expect(() => decodeCursor('2024-01-01')).toThrow(/not a HubSpot change cursor/);
  });
});

describe('normalize', () => {
  it('turns a contact into a RemoteRecord with an ISO UTC millisecond stamp', () => {
    const wire = parseRecord({ id: '12', properties: { email: 'a@b.co', lastmodifieddate: '2024-03-01T10:00:00Z', hs_object_id: '12' }, archived: false });
    const { record, stamp } = normalize('contacts', 'lastmodifieddate', wire);
    expect(record).toEqual({
      remoteType: 'contacts',
      remoteId: '12',
      modifiedAt: '2024-03-01T10:00:00.000Z',
      deleted: false,
      fields: { email: 'a@b.co', lastmodifieddate: '2024-03-01T10:00:00Z', hs_object_id: '12' },
    });
    expect(stamp).toBe(Date.parse('2024-03-01T10:00:00Z'));
  });

  it('accepts epoch-millisecond stamps and stamps archived records by archivedAt', () => {
    const epoch = normalize('companies', 'hs_lastmodifieddate', parseRecord({ id: '3', properties: { hs_lastmodifieddate: '1709287200000' } }));
    expect(epoch.record.modifiedAt).toBe('2024-03-01T10:00:00.000Z');
    const archived = normalize(
      'contacts',
      'lastmodifieddate',
      parseRecord({ id: '4', properties: {}, archived: true, archivedAt: '2024-03-02T00:00:00.000Z' }),
    );
    expect(archived.record).toMatchObject({ deleted: true, modifiedAt: '2024-03-02T00:00:00.000Z' });
  });

  it('flags what it cannot normalize instead of throwing', () => {
    const { record, stamp } = normalize('contacts', 'lastmodifieddate', parseRecord({ properties: { lastmodifieddate: 'soon', nested: { a: 1 } } }));
    expect(stamp).toBeUndefined();
    expect(record.remoteId).toBe('');
    expect(record.malformed).toBe('record has no id; property nested is not a scalar value; unparseable lastmodifieddate: "soon"');
    expect(record.fields).not.toHaveProperty('nested');
  });
});
