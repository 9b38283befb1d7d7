import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSymbolText, SymbolFileError } from '../../src/core/breakpad/sym-file';
import { ModuleSymbols } from '../../src/core/breakpad/sym-lookup';
import { walkWithSymbols } from '../../src/core/minidump/minidump-analysis';
import { MinidumpFormatError, readMinidump } from '../../src/core/minidump/minidump-file';
import { macArm64, windowsAmd64, windowsX86 } from '../fixtures/stackwalk-scenarios';
import { FUZZ_RUNS, mutationOf } from './fuzz';

const root = mkdtempSync(join(tmpdir(), 'crashwb-fuzz-walk-'));
const scenarios = [windowsAmd64(join(root, 'win64')), windowsX86(join(root, 'win32')), macArm64(join(root, 'mac'))];
let n = 0;

describe('fuzzing the minidump walk and Breakpad symbol files (seeded, bounded)', () => {
  it.each(scenarios.map((s, i) => [i, s] as const))(
    'reading and walking dump %i answers, or says the dump is corrupt naming it',
    async (_, scenario) => {
      const bytes = readFileSync(scenario.dump);
      await fc.assert(
        fc.asyncProperty(mutationOf(bytes), async (mutated) => {
          const path = join(root, `${n++}.dmp`);
          writeFileSync(path, mutated);
          try {
            const core = await readMinidump(path);
            const { walked } = await walkWithSymbols(path, core.modules, { debugDirs: [scenario.symbols], servers: [], cache: null });
            for (const frames of walked.values()) expect(frames.length).toBeLessThanOrEqual(1024 * 4);
          } catch (error) {
            if (!(error instanceof MinidumpFormatError)) throw error;
            expect(error.message).toContain(path);
          } finally {
            rmSync(path, { force: true });
          }
        }),
        FUZZ_RUNS,
      );
    },
    60_000,
  );

  it('a symbol file, however mangled, parses with its problems counted, or is refused as not one', () => {
    const text = readFileSync(join(scenarios[0]?.symbols ?? '', 'test_app.pdb', '33221100554477668899AABBCCDDEEFF1', 'test_app.sym'));
    fc.assert(
      fc.property(mutationOf(text), fc.nat({ max: 0x3000 }), (mutated, rva) => {
        try {
          const symbols = new ModuleSymbols(parseSymbolText(mutated.toString('utf8'), 'fuzzed.sym'));
          symbols.frames(rva);
          symbols.cfiRules(rva);
          symbols.winEntry(rva);
        } catch (error) {
          if (!(error instanceof SymbolFileError)) throw error;
          expect(error.message).toContain('fuzzed.sym');
        }
      }),
      FUZZ_RUNS,
    );
  });
});
