import { describe, expect, it } from 'vitest';
import { analysisOf, snapshotSchema } from '../../src/core/sources/snapshot-schema';
import { hostSnapshot, snapshotFrame } from '../fixtures/snapshots';

const snapshot = hostSnapshot({
  frames: [
    snapshotFrame(0, 'parse'),
    snapshotFrame(1, 'helper', { trust: 'guess' }),
    snapshotFrame(2, 'main'),
    snapshotFrame(3, '_start', { pastMain: true }),
  ],
  warnings: [{ kind: 'symbol-file', message: 'app.sym: 2 lines were not understood' }],
});

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
