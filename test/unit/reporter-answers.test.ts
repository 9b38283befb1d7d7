import { describe, expect, it } from 'vitest';
import { crashAnswerOf, REPORTER_PATHS, REPORTER_ROUTES } from '../../src/shared/reporter-protocol';

describe("an uploader reading the reporter's answer", () => {
  it('takes each field only when it has its type, so a proxy or an old reporter cannot make it drop a core', () => {
    const id = 'cd'.repeat(32);
    expect(crashAnswerOf({ crash_id: id, created: true, wants_core: false })).toEqual({ crash_id: id, created: true, wants_core: false });
    expect(crashAnswerOf({ crash_id: '../x', created: 'yes', wants_core: 'false' })).toEqual({});
    expect(crashAnswerOf(null)).toEqual({});
    expect(crashAnswerOf(['crash_id'])).toEqual({});
  });
});

describe("the reporter's routes", () => {
  it('read back the parameters of every path the clients build', () => {
    const id = 'ab'.repeat(20);
    const sha = 'cd'.repeat(32);
    const ref = { debugFile: 'app.pdb', debugId: '0123456789ABCDEF0123456789ABCDEF1' };
    const cases: Array<[RegExp, string, string[]]> = [
      [REPORTER_ROUTES.core, REPORTER_PATHS.core(sha), [sha]],
      [REPORTER_ROUTES.symbol, REPORTER_PATHS.symbol(id, 'debuginfo'), [id, 'debuginfo']],
      [REPORTER_ROUTES.source, REPORTER_PATHS.source(sha), [sha]],
      [REPORTER_ROUTES.sourceIndex, REPORTER_PATHS.sourceIndex(id), [id]],
      [REPORTER_ROUTES.buildId, REPORTER_PATHS.buildId(id, 'executable'), [id, 'executable']],
      [REPORTER_ROUTES.breakpadSymbol, REPORTER_PATHS.breakpadSymbol(ref), ['app.pdb', ref.debugId]],
      [REPORTER_ROUTES.breakpadStore, REPORTER_PATHS.breakpadStore(ref, 'app.sym'), ['app.pdb', ref.debugId, 'app.sym']],
    ];
    for (const [route, path, params] of cases) expect(route.exec(path)?.slice(1, params.length + 1), path).toEqual(params);
  });
});
