/**
 * The dashboard at `/`: a static page (HTML, CSS, JS from ./public) that signs in with an
 * API key and reads everything through the same GraphQL API and graphql-ws subscriptions
 * as any client — no data is served here. Chart.js comes from node_modules, not a CDN.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { supportedCrms } from '../../process';

/** `src/…/public` next to this file; from a `dist/` build, the same folder in the source tree. */
function publicDir(): string | undefined {
  return [join(__dirname, 'public'), resolve(__dirname, '../../../../src/experience/dashboard/public')].find((d) => existsSync(join(d, 'index.html')));
}

export function dashboardRoutes(logger: Logger): Router {
  const router = Router();
  const dir = publicDir();
  if (!dir) {
    logger.warn('dashboard assets not found: `/` serves nothing');
    return router;
  }
  const chartJs = join(dirname(require.resolve('chart.js')), 'chart.umd.js');
  const graphqlWs = join(dirname(require.resolve('graphql-ws/package.json')), 'umd', 'graphql-ws.min.js');
  router.get('/vendor/chart.umd.js', (_req, res) => res.type('application/javascript').sendFile(chartJs));
  router.get('/vendor/graphql-ws.js', (_req, res) => res.type('application/javascript').sendFile(graphqlWs));
  // The CRMs "Connect a CRM" offers: the registry's list, so the page names no CRM itself.
  router.get('/crms.json', (_req, res) => res.json(supportedCrms().map((d) => ({ kind: d.kind, name: d.docs.name }))));
  router.use('/', express.static(dir, { index: 'index.html', maxAge: 0 }));
  return router;
}
