/**
 * `GET /audits/<id>.md`, `.csv` and `.json`: a finished audit's report as a download, behind
 * the same API-key authentication as GraphQL (`Authorization: Bearer <key>`, failures counted
 * and throttled alike) and the same role as the audit operations (ADMIN: a report names key
 * holders).
 */
import type { IncomingMessage } from 'node:http';
import { Router, type Response } from 'express';
import type { Logger } from 'pino';
import { auditCsv, type AuditJobs, auditMarkdown, type AuditReport } from '../../process';
import type { Authenticator } from '../auth/authenticate';
import { CAN, isAllowed } from '../auth/roles';

const FORMATS: Record<string, { type: string; render: (r: AuditReport) => string }> = {
  md: { type: 'text/markdown; charset=utf-8', render: auditMarkdown },
  csv: { type: 'text/csv; charset=utf-8', render: auditCsv },
  json: { type: 'application/json; charset=utf-8', render: (r) => `${JSON.stringify(r, null, 2)}\n` },
};

const refuse = (res: Response, status: number, message: string) => res.status(status).type('text/plain').send(`${message}\n`);

export function auditRoutes(audits: Pick<AuditJobs, 'byId'>, authenticator: Authenticator, clientAddress: (req: IncomingMessage) => string | undefined, logger: Logger): Router {
  const router = Router();
  router.get('/audits/:file', async (req, res) => {
    const match = /^([0-9a-f-]{36})\.(md|csv|json)$/i.exec(req.params.file);
    if (!match) return void refuse(res, 404, 'no such download: /audits/<id>.md, .csv or .json');
    const remote = clientAddress(req);
    const outcome = await authenticator.authenticate(req.headers.authorization, 'http', remote);
    if (!outcome.ok && outcome.reason === 'THROTTLED') return void res.set('retry-after', String(outcome.retryAfterSeconds)).status(429).type('text/plain').send('too many failed authentications\n');
    if (!outcome.ok || !outcome.principal) {
      if (outcome.ok) authenticator.fail('MISSING', 'http', remote);
      return void res.status(401).set('www-authenticate', 'Bearer realm="junction"').type('text/plain').send('audit downloads need Authorization: Bearer <API key>\n');
    }
    if (!isAllowed(outcome.principal.role, CAN.administer)) return void refuse(res, 403, 'audit downloads need an ADMIN key');
    try {
      const found = await audits.byId(match[1]!.toLowerCase());
      if (!found) return void refuse(res, 404, `no audit ${match[1]}`);
      if (!found.report) return void refuse(res, 409, `audit ${found.audit.id} is ${found.audit.status}: its report is there once it SUCCEEDED`);
      const format = FORMATS[match[2]!.toLowerCase()]!;
      const name = `audit-${found.report.generatedAt.toISOString().slice(0, 10)}-${found.audit.id.slice(0, 8)}.${match[2]!.toLowerCase()}`;
      res.set('content-disposition', `attachment; filename="${name}"`).type(format.type).send(format.render(found.report));
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'audit download failed');
      refuse(res, 503, 'the audit could not be read');
    }
  });
  return router;
}
