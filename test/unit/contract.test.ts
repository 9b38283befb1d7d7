import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const TSC = join(process.cwd(), 'node_modules', '.bin', 'tsc');

/** Type-checks a copy of src/shared, changed by `edit`, as npm run typecheck would. */
function typecheckShared(edit: (dir: string) => void): { status: number | null; output: string } {
  // Inside the repository, so that the copy finds zod in its node_modules.
  mkdirSync(join(process.cwd(), 'test-results'), { recursive: true });
  const root = mkdtempSync(join(process.cwd(), 'test-results', 'contract-'));
  cpSync(join(process.cwd(), 'src', 'shared'), join(root, 'shared'), { recursive: true });
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['shared'] }));
  try {
    edit(join(root, 'shared'));
    const run = spawnSync(TSC, ['-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
    return { status: run.status, output: `${run.stdout}${run.stderr}` };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function replaceIn(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} no longer holds ${JSON.stringify(from)}: update this test`);
  writeFileSync(file, text.replace(from, to));
}

describe('the contract between the API types and their schemas', () => {
  it('compiles as it is', () => {
    expect(typecheckShared(() => undefined).status).toBe(0);
  }, 60_000);

  it('fails to compile, naming the method, when a request type gains a field its schema lacks', () => {
    const run = typecheckShared((dir) =>
      replaceIn(join(dir, 'group-model.ts'), '  text?: string;\n', '  text?: string;\n  platform?: string;\n'),
    );
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('"listGroups"');
  }, 60_000);

  it('fails to compile when a schema gains a parameter the method does not take', () => {
    const run = typecheckShared((dir) =>
      replaceIn(join(dir, 'services', 'crashes.ts'), 'getCrash: z.tuple([crashId]),', 'getCrash: z.tuple([crashId, z.boolean()]),'),
    );
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('"getCrash"');
  }, 60_000);

  it('fails to compile, naming the method, when two services answer to one method name', () => {
    const run = typecheckShared((dir) => {
      replaceIn(
        join(dir, 'services', 'reports.ts'),
        '  getRedactionRules(): Promise<RedactionRules>;\n',
        '  getRedactionRules(): Promise<RedactionRules>;\n  getSettings(): Promise<RedactionRules>;\n',
      );
      replaceIn(
        join(dir, 'services', 'reports.ts'),
        '  getRedactionRules: z.tuple([]),\n',
        '  getRedactionRules: z.tuple([]),\n  getSettings: z.tuple([]),\n',
      );
    });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('"getSettings"');
  }, 60_000);

  it('fails to compile when a service method has no schema', () => {
    const run = typecheckShared((dir) => replaceIn(join(dir, 'services', 'consoles.ts'), '  closeConsole: z.tuple([sessionId]),\n', ''));
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('closeConsole');
  }, 60_000);
});
