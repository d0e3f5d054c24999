/**
 * `POST /webhooks/:connectionId`: where CRMs deliver change notifications. The raw body is
 * kept for the signature check; the answer is quick and says nothing a forger could use.
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import { isUuid, type WebhookService } from '../../process';

export function webhookRoutes(webhooks: Pick<WebhookService, 'receive'>, logger: Logger): Router {
  const router = express.Router();
  router.post('/webhooks/:connectionId', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    // Connection ids are UUIDs: anything else is the sender's mistake, never a database cast error.
    if (!isUuid(String(req.params.connectionId))) {
      res.status(400).json({ error: 'not a connection id' });
      return;
    }
    const url = `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}`;
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
    try {
      const outcome = await webhooks.receive(String(req.params.connectionId), {
        method: req.method,
        url,
        rawBody: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
        headers,
      });
      if (outcome.accepted) {
        if (outcome.replayed)
          logger.warn(
            { connectionId: req.params.connectionId, reason: 'replayed delivery', ip: req.ip },
            'change notification replay acknowledged (no new run)',
          );
        else logger.info({ connectionId: req.params.connectionId, runId: outcome.runId, objects: outcome.remoteTypes }, 'change notification accepted');
        // Salesforce waits for its SOAP Ack (and retries without it); other vendors take a bare 204.
        if (outcome.reply) res.status(200).type(outcome.reply.contentType).send(outcome.reply.body);
        else res.status(204).end();
        return;
      }
      logger.warn({ connectionId: req.params.connectionId, reason: outcome.reason, ip: req.ip }, 'change notification rejected');
      res.status(outcome.status).json({ error: outcome.status === 409 ? 'replayed' : 'rejected' });
    } catch (err) {
      logger.error({ connectionId: req.params.connectionId, err: String(err) }, 'change notification failed');
      res.status(500).json({ error: 'internal' });
    }
  });
  return router;
}
