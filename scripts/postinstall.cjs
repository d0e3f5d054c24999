/**
 * Run by `npm install`: makes the embedded database template (src/process/store/embedded-template.ts)
 * so the first `npm start` copies an initialised database instead of running initdb. Never fails the
 * install: without a template, start-up simply runs initdb as before.
 */
/* global console */
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const source = join(__dirname, '..', 'src', 'process', 'store', 'embedded-template.ts');
if (!existsSync(source) || process.env.JUNCTION_SKIP_DB_TEMPLATE) process.exit(0);
require('./register.cjs');
const started = Date.now();
require(source)
  .ensureEmbeddedTemplate()
  .then((dir) => {
    if (dir) console.log(`junction: embedded database template ready in ${((Date.now() - started) / 1000).toFixed(1)} s (${dir})`);
    else console.log('junction: no embedded database template (the first npm start will run initdb)');
  })
  .catch(() => undefined);
