/**
 * Prints the URL a CRM must send a connection's change notifications to, for pasting into
 * Salesforce's outbound message, Dataverse's service endpoint or HubSpot's app settings:
 *
 *   npm run webhook-url -- <connectionId> <publicBaseUrl>
 *
 * `publicBaseUrl` is where the CRM reaches Junction (e.g. https://junction.example.com).
 * For Salesforce and Dataverse the URL carries the connection's key, derived from its
 * credentials, so the master key is needed: JUNCTION_MASTER_KEY, else (outside production)
 * the key file `npm start` made. Treat the printed URL as a secret.
 */
import 'reflect-metadata';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { CredentialsCipher } from '../src/process/security/credentials-cipher';
import { openDatabase } from '../src/process/store/database';
import { WebhookService } from '../src/process/sync/runs/webhook.service';

async function main(): Promise<void> {
  const [connectionId, publicBaseUrl, ...rest] = process.argv.slice(2);
  if (!connectionId || !publicBaseUrl || rest.length > 0 || !/^https?:\/\//.test(publicBaseUrl)) {
    console.error('usage: npm run webhook-url -- <connectionId> <publicBaseUrl (http:// or https://)>');
    process.exit(2);
  }
  const config = loadConfig(process.env);
  const keyFile = join(config.dataDir, 'master.key');
  const masterKey = config.masterKey ?? (config.env !== 'production' && existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
  if (!masterKey) throw new Error(`no master key: set JUNCTION_MASTER_KEY (or keep ${keyFile} outside production)`);
  const database = await openDatabase({ url: config.database.url, embeddedDir: config.database.embeddedDir });
  try {
    const service = new WebhookService(database.dataSource, new CredentialsCipher(masterKey), { notified: () => Promise.reject(new Error('not used')) });
    const url = await service.endpointUrl(connectionId, publicBaseUrl);
    if (!url) throw new Error(`no connection ${connectionId} that receives change notifications`);
    process.stdout.write(`${url}\n`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError || err instanceof Error ? err.message : String(err));
  process.exit(1);
});
