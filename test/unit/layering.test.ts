import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CONFIG = join(process.cwd(), '.dependency-cruiser.cjs');
const DEPCRUISE = join(process.cwd(), 'node_modules', '.bin', 'depcruise');

/** A tree of src/ files, each importing what it names, checked with the project's own layering. */
function check(files: Record<string, string[]>): { status: number | null; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'crashwb-layers-'));
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'esnext', moduleResolution: 'bundler' } }));
  for (const [file, imports] of Object.entries(files)) {
    const path = join(root, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(
      path,
      `${imports.map((to, i) => `import * as m${i} from '${to}';`).join('\n')}\nexport const here = ${imports.map((_, i) => `m${i}`).join(', ') || '0'};\n`,
    );
  }
  const run = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'err'], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the layering that npm run lint checks', () => {
  it('passes on this tree', () => {
    expect(() => execFileSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'err'], { encoding: 'utf8' })).not.toThrow();
  });

  it('fails on an import a room is not allowed, naming it', () => {
    const planted = check({
      'src/shared/contract.ts': ['../agent/spool'],
      'src/agent/spool.ts': [],
      'src/core/elf/core-file.ts': ['../intake/intake'],
      'src/core/intake/intake.ts': [],
      'src/renderer/view.ts': ['../reporter/server'],
      'src/reporter/server.ts': [],
      'src/core/workbench.ts': ['../reporter/server'],
    });
    expect(planted.status).not.toBe(0);
    for (const line of [
      'src/shared/contract.ts → src/agent/spool.ts',
      'src/core/elf/core-file.ts → src/core/intake/intake.ts',
      'src/renderer/view.ts → src/reporter/server.ts',
      'src/core/workbench.ts → src/reporter/server.ts',
    ])
      expect(planted.output).toContain(`not-in-allowed: ${line}`);
  });

  it('fails on a renderer component that calls the API client itself, and lets the stores do so', () => {
    const planted = check({
      'src/renderer/src/crash/SourceView.tsx': ['../api', '../stores/source-store'],
      'src/renderer/src/stores/source-store.ts': ['../api'],
      'src/renderer/src/api.ts': [],
    });
    expect(planted.status).not.toBe(0);
    expect(planted.output).toContain('renderer-through-stores: src/renderer/src/crash/SourceView.tsx → src/renderer/src/api.ts');
    expect(planted.output).not.toContain('stores/source-store.ts →');
  });

  it('fails on files that import each other', () => {
    const ring = check({ 'src/core/store/a.ts': ['./b'], 'src/core/store/b.ts': ['./a'] });
    expect(ring.status).not.toBe(0);
    expect(ring.output).toMatch(/no-circular: src\/core\/store\/(a|b)\.ts/);
  });

  it('lets a room import what its line allows', () => {
    expect(
      check({
        'src/core/intake/intake.ts': ['../elf/core-file', '../../shared/model'],
        'src/core/elf/core-file.ts': [],
        'src/shared/model.ts': [],
      }).status,
    ).toBe(0);
  });
});
