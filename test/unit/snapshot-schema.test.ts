import { describe, expect, it } from 'vitest';
import { analysisOf, snapshotSchema } from '../../src/core/sources/snapshot-schema';

const frame = (index: number, fn: string, extra: Record<string, unknown> = {}) => ({
  index,
  address: `0x${(0x401000 + index).toString(16)}`,
  function: fn,
  file: null,
  line: null,
  module: '/usr/bin/app',
  inline: false,
  ...extra,
});

const snapshot = {
  format: 'crashwb-snapshot/1',
  coreSha256: 'ab'.repeat(32),
  coreSize: 1024,
  capturedAt: '2026-12-07T10:00:00.000Z',
  analysisError: null,
  modules: [],
  analysis: {
    signal: { number: 11, name: 'SIGSEGV', code: 1, codeName: 'SEGV_MAPERR', faultAddress: '0x0', explanation: 'SIGSEGV at 0x0' },
    pid: 42,
    commandLine: 'app',
    executable: '/usr/bin/app',
    executableBuildId: null,
    debugger: 'gdb',
    crashingThreadId: 42,
    threads: [
      {
        id: 42,
        number: 1,
        name: null,
        crashed: true,
        frames: [frame(0, 'parse'), frame(1, 'helper', { trust: 'guess' }), frame(2, 'main'), frame(3, '_start', { pastMain: true })],
        framesTruncated: false,
        registers: {},
        locals: {},
      },
    ],
    modules: [],
    warnings: [{ kind: 'symbol-file', message: 'app.sym: 2 lines were not understood' }],
    analysisError: null,
  },
};

describe('a snapshot analysed on its host', () => {
  it('keeps how each frame was found, the start-up marks and every warning kind, as the workbench does', () => {
    const parsed = snapshotSchema.parse(snapshot);
    const analysis = analysisOf(parsed, 'snapshot', 1024);
    const frames = analysis?.threads[0]?.frames ?? [];
    expect(frames[1]?.trust).toBe('guess');
    expect(frames[3]?.pastMain).toBe(true);
    expect(analysis?.warnings[0]?.kind).toBe('symbol-file');
  });

  it('refuses a frame whose trust is no kind the workbench knows', () => {
    const bad = structuredClone(snapshot);
    (bad.analysis.threads[0]?.frames[1] as Record<string, unknown>).trust = 'hunch';
    expect(snapshotSchema.safeParse(bad).success).toBe(false);
  });
});
