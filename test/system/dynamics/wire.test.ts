/** Pure parts of the Dataverse wire: error classification, usage headers, cursors, $batch bodies, $filter. */
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/system/dynamics/cursor';
import { parseFilter } from '../../../src/system/dynamics/emulator/odata-filter';
import { readBatchRequest, readBatchResponse, writeBatchRequest, writeBatchResponse } from '../../../src/system/dynamics/multipart';
import { normalizeRow } from '../../../src/system/dynamics/normalize';
import { classifyDataverse, usageFromHeaders } from '../../../src/system/dynamics/wire';

describe('classifyDataverse', () => {
  it('classifies by the hex code first, then by status', () => {
    const body = (code: string) => ({ error: { code, message: 'm' } });
    expect(classifyDataverse(429, body('0x80072321'))).toMatchObject({ errorClass: 'RATE_LIMIT', code: '0x80072321' });
    expect(classifyDataverse(429, body('0x80072322')).quotaExhausted).toBeUndefined();
    expect(classifyDataverse(400, body('0x80040200')).errorClass).toBe('VALIDATION');
    expect(classifyDataverse(412, body('0x80040237')).errorClass).toBe('CONFLICT');
    expect(classifyDataverse(404, body('0x80040217')).errorClass).toBe('NOT_FOUND');
    expect(classifyDataverse(403, body('0x80040220')).errorClass).toBe('PERMISSION');
    expect(classifyDataverse(400, body(''))).toMatchObject({ errorClass: 'VALIDATION', code: 'HTTP_400' });
    expect(classifyDataverse(503, undefined)).toMatchObject({ errorClass: 'SERVER', code: 'HTTP_503' });
    expect(classifyDataverse(400, { error: 'invalid_client', error_description: 'AADSTS7000215: bad' })).toMatchObject({ errorClass: 'AUTHENTICATION', code: 'invalid_client' });
  });

  it('reads usage from the burst-remaining header only', () => {
    expect(usageFromHeaders(new Headers({ 'x-ms-ratelimit-burst-remaining-xrm-requests': '5990' }))).toEqual({ used: 10, limit: 6000 });
    expect(usageFromHeaders(new Headers())).toBeUndefined();
  });
});

describe('cursors and rows', () => {
  it('round-trips both cursor kinds and rejects foreign ones', () => {
    for (const c of [{ kind: 'delta', token: '12!11/26/2026 10:00:00' }, { kind: 'next', link: '/api/data/v9.2/contacts?$skiptoken=x' }] as const)
      expect(decodeCursor(encodeCursor(c))).toEqual(c);
    expect(decodeCursor(null)).toBeNull();
    expect(() => decodeCursor('hs1:1:')).toThrow(/not a Dataverse change cursor/);
  });

  it('normalizes whole-second Z stamps to milliseconds and drops OData annotations', () => {
    const n = normalizeRow('contacts', { '@odata.etag': 'W/"5"', contactid: 'abc', modifiedon: '2026-01-02T03:04:05Z', lastname: 'X' }, 0);
    expect(n.record).toEqual({ remoteType: 'contacts', remoteId: 'abc', modifiedAt: '2026-01-02T03:04:05.000Z', deleted: false, fields: { contactid: 'abc', modifiedon: '2026-01-02T03:04:05Z', lastname: 'X' } });
    expect(normalizeRow('contacts', { contactid: 'abc', modifiedon: '2026-01-02', nested: { a: 1 } }, 0).record.malformed).toMatch(/nested.*modifiedon/);
  });
});

describe('$batch bodies', () => {
  it('reads back what it writes, CRLF and change sets included', () => {
    const req = writeBatchRequest(
      [{ changeset: [{ method: 'PATCH', url: "contacts(junction_id='a')", headers: { 'Content-Type': 'application/json' }, body: '{"lastname":"A"}', contentId: '1' }] }, { single: { method: 'GET', url: 'WhoAmI', headers: {} } }],
      'x',
    );
    expect(req.body).toContain('\r\n');
    const entries = readBatchRequest(req.body, 'batch_x');
    expect(entries).toEqual([
      { changeset: [{ method: 'PATCH', url: "contacts(junction_id='a')", headers: { 'content-type': 'application/json' }, body: '{"lastname":"A"}', contentId: '1' }] },
      { single: { method: 'GET', url: 'WhoAmI', headers: {}, body: undefined, contentId: undefined } },
    ]);
    const res = writeBatchResponse([{ changeset: [{ status: 204, headers: { 'OData-EntityId': 'u' }, contentId: '1' }] }, { single: { status: 404, headers: {}, body: '{"error":{}}' } }], 'y');
    expect(readBatchResponse(res.body, res.contentType)).toEqual([
      { status: 204, headers: { 'odata-entityid': 'u' }, body: undefined, contentId: '1' },
      { status: 404, headers: {}, body: '{"error":{}}', contentId: undefined },
    ]);
  });
});

describe('$filter', () => {
  const known = () => true;
  const row = { name: "O'Neil & Co", modifiedon: '2026-01-02T03:04:05Z', n: 5, empty: null };
  it('evaluates comparisons, functions, null and precedence', () => {
    expect(parseFilter("name eq 'o''neil & co'", known)(row)).toBe(true);
    expect(parseFilter('modifiedon gt 2026-01-02T03:04:04Z and modifiedon le 2026-01-02T03:04:05Z', known)(row)).toBe(true);
    expect(parseFilter("n lt 3 or contains(name,'neil') and not (empty ne null)", known)(row)).toBe(true);
    expect(parseFilter('n ge 6', known)(row)).toBe(false);
    expect(() => parseFilter('name eq', known)).toThrow();
    expect(() => parseFilter("x eq 'y'", () => false)).toThrow(/Could not find a property named 'x'/);
  });
});
