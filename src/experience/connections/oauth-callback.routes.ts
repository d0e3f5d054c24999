/**
 * `GET /oauth/callback`: where a CRM sends the person after its consent page. The consent
 * service checks the state, exchanges the code and creates the connection; the person lands
 * on the dashboard's page for it, or on the page saying what went wrong. Parameters travel in
 * the fragment, so they never reach a server log again; the code itself is never forwarded.
 */
import express, { type Router } from 'express';
import type { Logger } from 'pino';
import type { ConsentService } from '../../process';

const first = (value: unknown): string | undefined => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined);

export function oauthCallbackRoutes(consent: Pick<ConsentService, 'finish'>, logger: Logger): Router {
  const router = express.Router();
  router.get('/oauth/callback', async (req, res, next) => {
    try {
      const outcome = await consent.finish({
        state: first(req.query.state),
        code: first(req.query.code),
        error: first(req.query.error),
        error_description: first(req.query.error_description),
      });
      res.set('cache-control', 'no-store');
      // The Referer of the next page must not carry the code.
      res.set('referrer-policy', 'no-referrer');
      if (outcome.ok) {
        const c = outcome.connection;
        logger.info({ connectionId: c.id, kind: c.kind, name: c.name, apiKeyId: outcome.apiKeyId }, 'connection created by consent');
        res.redirect(303, `/#${new URLSearchParams({ connected: c.id })}`);
        return;
      }
      logger.warn({ failure: outcome.failure, kind: outcome.kind, name: outcome.name }, 'consent callback created no connection');
      const page = new URLSearchParams({ 'connect-failed': outcome.failure, message: outcome.message, ...(outcome.kind ? { kind: outcome.kind } : {}), ...(outcome.name ? { name: outcome.name } : {}) });
      res.redirect(303, `/#${page}`);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
