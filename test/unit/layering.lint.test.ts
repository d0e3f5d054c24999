/**
 * The layering rule is only as good as its lint config: each case lints a made-up file at a
 * real path, so a rule that stopped matching (a renamed folder, a broken pattern) fails here.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layering rule', () => {
  it('lets the experience tier use the process tier through its public face', async () => {
    expect(await restrictedImports('src/experience/sync/x.ts', `import { HealthService } from '../../process';\nexport const h = HealthService;\n`)).toEqual([]);
    expect(await restrictedImports('src/experience/x.ts', `import { HealthService } from '../process/index';\nexport const h = HealthService;\n`)).toEqual([]);
  });

  it('refuses the experience tier a module behind the public face', async () => {
    const messages = await restrictedImports('src/experience/sync/x.ts', `import { SyncEngine } from '../../process/sync/runs/sync-engine';\nexport const e = SyncEngine;\n`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/public face only/);
  });

  it('refuses the experience tier entities and TypeORM', async () => {
    const entity = await restrictedImports('src/experience/x.ts', `import { ContactEntity } from '../process/store/entities';\nexport const c = ContactEntity;\n`);
    expect(entity[0]).toMatch(/public face only/);
    const orm = await restrictedImports('src/experience/x.ts', `import type { DataSource } from 'typeorm';\nexport type D = DataSource;\n`);
    expect(orm[0]).toMatch(/never touches the store/);
  });

  it('keeps the lower tiers from importing upwards', async () => {
    expect((await restrictedImports('src/process/x.ts', `import { buildSchema } from '../experience/schema';\nexport const b = buildSchema;\n`))[0]).toMatch(/must not import the experience tier/);
    expect((await restrictedImports('src/system/x.ts', `import { HealthService } from '../process';\nexport const h = HealthService;\n`))[0]).toMatch(/knows nothing of the process/);
  });

  it('keeps vendor wire types inside their CRM folder', async () => {
    expect((await restrictedImports('src/process/x.ts', `import type { X } from '../system/hubspot/wire';\nexport type Y = X;\n`))[0]).toMatch(/Only src\/system reads vendor wire types/);
  });
});
