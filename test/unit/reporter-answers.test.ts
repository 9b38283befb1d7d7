import { describe, expect, it } from 'vitest';
import { crashAnswerOf } from '../../src/shared/reporter-protocol';

describe("an uploader reading the reporter's answer", () => {
  it('takes each field only when it has its type, so a proxy or an old reporter cannot make it drop a core', () => {
    const id = 'cd'.repeat(32);
    expect(crashAnswerOf({ crash_id: id, created: true, wants_core: false })).toEqual({ crash_id: id, created: true, wants_core: false });
    expect(crashAnswerOf({ crash_id: '../x', created: 'yes', wants_core: 'false' })).toEqual({});
    expect(crashAnswerOf(null)).toEqual({});
    expect(crashAnswerOf(['crash_id'])).toEqual({});
  });
});
