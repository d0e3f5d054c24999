/**
 * The one SOAP call Junction's world needs: `convertLead` on `/services/Soap/u/{version}`
 * (there is no REST resource for it). Requests and answers follow the partner WSDL as
 * jsforce sends and parses them (crm-wire.md §1.6).
 */
import type { EmulatorResponse, TokenRegistry, EmulatorClock } from '../../emulator-kit';
import { convertLead, type ConvertResult } from './lead-conversion';
import type { Org } from './org';
import { childOf, childrenOf, childText, descendantOf, readXml, type XmlElement } from '../../xml-reader';

const xml = (status: number, body: string): EmulatorResponse => ({ status, headers: { 'content-type': 'text/xml;charset=UTF-8' }, body });

const envelope = (inner: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

function fault(code: string, message: string): EmulatorResponse {
  // jsforce treats a SOAP session as expired only on HTTP 500 with this faultcode.
  return xml(500, envelope(`<soapenv:Fault><faultcode>sf:${code}</faultcode><faultstring>${code}: ${escapeXml(message)}</faultstring></soapenv:Fault>`));
}

export function soapCall(org: Org, tokens: TokenRegistry, clock: EmulatorClock, body: string): EmulatorResponse {
  // The same bounded reader Junction uses (no DTD, size and depth bounds): regexes over the
  // markup backtracked for seconds on a body of unclosed tags.
  let request: XmlElement;
  try {
    request = readXml(body);
  } catch (err) {
    return fault('INVALID_XML', `could not read the request: ${(err as Error).message}`);
  }
  const session = descendantOf(childOf(request, 'Header'), 'sessionId')?.text.trim();
  if (!tokens.isValid(session, clock.now())) return fault('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
  const call = childOf(childOf(request, 'Body'), 'convertLead');
  if (!call) return fault('UNKNOWN_EXCEPTION', 'only convertLead is emulated');
  const results = childrenOf(call, 'leadConverts').map((part) =>
    convertLead(org, {
      leadId: childText(part, 'leadId') ?? '',
      convertedStatus: childText(part, 'convertedStatus') ?? 'Closed - Converted',
      accountId: childText(part, 'accountId') || undefined,
      contactId: childText(part, 'contactId') || undefined,
    }),
  );
  return xml(200, envelope(`<convertLeadResponse>${results.map(resultXml).join('')}</convertLeadResponse>`));
}

function resultXml(r: ConvertResult): string {
  if (!r.success)
    return `<result><errors><message>${escapeXml(r.message)}</message><statusCode>${r.statusCode}</statusCode></errors><leadId>${r.leadId}</leadId><success>false</success></result>`;
  return `<result><accountId>${r.accountId}</accountId><contactId>${r.contactId}</contactId><leadId>${r.leadId}</leadId><opportunityId xsi:nil="true"/><success>true</success></result>`;
}

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}
