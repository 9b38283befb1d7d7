import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { analyzeCore } from '../../src/core/intake/analyze';
import { lldbQuote } from '../../src/core/platform/path-aliases';
import type { DebuggerKind } from '../../src/shared/model';
import { writeMinidump } from '../fixtures/minidumps';

const fixtures = inject('fixtures');
const root = mkdtempSync(join(tmpdir(), 'crashwb-hostile-'));
// Names cannot hold a slash, so the marker is made where the debuggers run: this process's folder.
const marker = `crashwb-PWNED-${process.pid}`;
const pwned = join(process.cwd(), marker);
afterAll(() => expect(existsSync(pwned)).toBe(false));

/** Names that would run `touch PWNED` if any part of them reached a debugger's command parser. */
const HOSTILE = [
  `a.core\nplatform shell touch ${marker} #`,
  `b"; platform shell touch ${marker} #`,
  `c\`platform shell touch ${marker}\``,
  `d\nshell touch ${marker}`,
  `e:tmp\nshell touch ${marker}`,
  `f $(touch ${marker}) 'g' \\ é`,
];

/** The stripped build, its debug folder and its core, copied under the hostile name `name`. */
function hostileCopy(name: string): { core: string; executable: string; debugDir: string } {
  const fx = fixtures.stripped;
  const dir = join(root, `${readdirSync(root).length}-${name}`);
  mkdirSync(dir, { recursive: true });
  const core = join(dir, name);
  copyFileSync(fx.core, core);
  const executable = join(dir, `${name}.exe`);
  copyFileSync(fx.executable, executable);
  const debugDir = join(dir, `${name}.debug`);
  cpSync(fx.debugDir ?? '', debugDir, { recursive: true });
  return { core, executable, debugDir };
}

describe.each<DebuggerKind>(['gdb', 'lldb'])('file and folder names handed to %s', (kind) => {
  it.each(HOSTILE)(
    'analyses a core, program and debug folder named %j without running any of it',
    async (name) => {
      const copy = hostileCopy(name);
      const crash = await analyzeCore(copy.core, { debugger: kind, executable: copy.executable, debugDirs: [copy.debugDir] });
      expect(existsSync(pwned)).toBe(false);
      expect(crash.analysisError).toBeNull();
      const frames = crash.threads.find((t) => t.crashed)?.frames ?? [];
      // Symbolized from the debug folder with the hostile name: every part of it reached the debugger.
      expect(frames[0]).toMatchObject({ function: 'read_retries', line: 11 });
    },
    60_000,
  );
});

describe('minidumps with hostile names', () => {
  it('opens a minidump named like a command without running it', async () => {
    const dump = writeMinidump(fixtures.workerThread.executable, join(root, 'dump'));
    if (!dump) throw new Error('lldb could not write a minidump here (lldb --batch -o "process save-core --plugin-name=minidump" failed)');
    const evil = join(root, 'dump', `a.dmp\nplatform shell touch ${marker} #`);
    copyFileSync(dump, evil);
    const crash = await analyzeCore(evil, { executable: fixtures.workerThread.executable });
    expect(existsSync(pwned)).toBe(false);
    expect(crash.analysisError).toBeNull();
    expect(crash.threads.find((t) => t.crashed)?.frames[0]?.function).toBe('store_result');
  }, 60_000);
});

describe("lldb's quoting", () => {
  it('passes every printable byte and multi-byte character through a quoted argument unchanged', () => {
    const texts = [...Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i)), 'é', '€', '😀'].map((ch) => `/a${ch}b`);
    const args = ['--no-lldbinit', '--batch', '-o', 'settings set use-color false'];
    for (const text of texts) {
      args.push('-o', `settings set target.source-map ${lldbQuote(text, 'test')} "/tmp"`, '-o', 'settings show target.source-map');
    }
    const out = spawnSync('lldb', args, { encoding: 'utf8', timeout: 60_000 }).stdout;
    const shown = [...out.matchAll(/^\[0\] "(.*)" -> "\/tmp"$/gm)].map((m) => m[1]);
    expect(shown).toEqual(texts);
  });

  it('refuses control characters, which no quoting can carry', () => {
    for (let code = 0; code < 0x20; code++)
      expect(() => lldbQuote(`/a${String.fromCharCode(code)}b`, 'a path')).toThrow(/control character/);
    expect(() => lldbQuote('/a\x7fb', 'a path')).toThrow(/control character/);
  });
});
