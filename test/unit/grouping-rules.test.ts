import { describe, expect, it } from 'vitest';
import type { CrashAnalysis, Frame, Thread } from '../../src/shared/model';
import { explainFingerprint, fingerprint } from '../../src/core/fingerprint/fingerprint';
import { parseRules } from '../../src/core/fingerprint/rules/rule-syntax';
import { compileRules, defaultRuleset, RulesError } from '../../src/core/fingerprint/rules/ruleset';
import { DEFAULT_RULES } from '../../src/core/fingerprint/rules/default-rules';
import { previewGrouping } from '../../src/core/fingerprint/rules/rules-preview';

function frame(index: number, fn: string | null, module = '/opt/app/bin/server', file: string | null = null): Frame {
  return { index, address: `0x${(0x1000 + index).toString(16)}`, function: fn, file, line: file ? 10 : null, module, inline: false };
}

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';

function crash(frames: Frame[], signal = 'SIGSEGV'): Pick<CrashAnalysis, 'threads' | 'signal' | 'executable'> {
  const thread: Thread = { id: 1, number: 1, name: null, crashed: true, frames, framesTruncated: false, registers: {}, locals: {} };
  return {
    threads: [thread],
    signal: { number: 11, name: signal, code: 1, codeName: null, faultAddress: null, senderPid: null, explanation: '' },
    executable: '/opt/app/bin/server',
  };
}

/** The default rules with more lines after them, as a person extends them. */
const withDefaults = (...lines: string[]) => compileRules(`${DEFAULT_RULES}\n${lines.join('\n')}\n`, 'test rules');

const vendorCrash = (caller: string) =>
  crash([
    frame(0, 'vendor_parse', '/opt/app/lib/libvendor.so'),
    frame(1, 'vendor_read', '/opt/app/lib/libvendor.so'),
    frame(2, caller),
    frame(3, 'main'),
  ]);

describe('the grouping rules language', () => {
  it('reports an unknown field, a bad glob and an unknown action with their line numbers', () => {
    const { rules, errors } = parseRules(
      [
        '# a comment',
        'stack.function:ok -group',
        'stack.fnction:x -app',
        'stack.function:[abc +group',
        'stack.function:y +grop',
        '-app',
        'stack.function:"unclosed -group',
      ].join('\n'),
    );
    expect(rules).toHaveLength(1);
    expect(errors).toEqual([
      { line: 3, message: expect.stringMatching(/^unknown field "stack.fnction"; the fields are stack.function/) },
      { line: 4, message: expect.stringMatching(/^bad glob "\[abc" for stack.function: the class opened by \[/) },
      { line: 5, message: expect.stringMatching(/^unknown action "\+grop"; the actions are \+app/) },
      { line: 6, message: expect.stringMatching(/needs a matcher first/) },
      { line: 7, message: 'a quote is opened and never closed' },
    ]);
    expect(() => compileRules('stack.fnction:x -app', 'my.rules')).toThrow(RulesError);
    expect(() => compileRules('stack.fnction:x -app', 'my.rules')).toThrow(/my.rules has an error:\n {2}line 1: unknown field/);
  });

  it('takes Sentry’s forms: family:native, negation, quoted globs, ^ and v, and fixed fingerprints', () => {
    const { rules, errors } = parseRules(
      [
        'family:native !stack.module:/usr/lib/** stack.function:"operator new*" ^-group v+app',
        'stack.abs_path:**/vendor/*.c -app',
        'signal:SIGFPE -> divide-by-zero',
      ].join('\n'),
    );
    expect(errors).toEqual([]);
    expect(rules.map((r) => r.actions.map((a) => a.text))).toEqual([['^-group', 'v+app'], ['-app'], ['-> divide-by-zero']]);
    expect(rules[0]?.matchers.map((m) => [m.field, m.negated])).toEqual([
      ['family', false],
      ['module', true],
      ['function', false],
    ]);
  });

  it('gives the default rules the id "default", and any other text an id of its own', () => {
    expect(defaultRuleset().id).toBe('default');
    expect(withDefaults('stack.function:x -group').id).toMatch(/^[0-9a-f]{12}$/);
    expect(withDefaults('stack.function:x -group').id).not.toBe(withDefaults('stack.function:y -group').id);
  });
});

describe('rules applied to a stack', () => {
  it('groups crashes in a vendor library by the program’s own caller once the library is not the program’s', () => {
    const a = vendorCrash('load_config');
    const b = vendorCrash('load_plugin');
    // By default a library outside the system folders is the program's own: one group for both.
    expect(fingerprint(a).hash).toBe(fingerprint(b).hash);
    const rules = withDefaults('stack.module:libvendor.so -app');
    expect(fingerprint(a, rules).hash).not.toBe(fingerprint(b, rules).hash);
    expect(fingerprint(a, rules).frames).toEqual(['vendor_parse', 'vendor_read', 'load_config']);
  });

  it('leaves a vendor library out of the fingerprint with -group', () => {
    const rules = withDefaults('stack.module:libvendor.so -group');
    expect(fingerprint(vendorCrash('load_config'), rules).frames).toEqual(['load_config']);
  });

  it('drops a wrapper around abort with the machinery above it', () => {
    const wrapped = (site: string) =>
      crash([frame(0, 'raise', LIBC), frame(1, 'abort', LIBC), frame(2, 'die_with_message'), frame(3, site), frame(4, 'main')], 'SIGABRT');
    expect(fingerprint(wrapped('parse_header')).hash).toBe(fingerprint(wrapped('parse_body')).hash);
    const rules = withDefaults('stack.function:die_with_message +machinery');
    expect(fingerprint(wrapped('parse_header'), rules).frames).toEqual(['parse_header']);
    expect(fingerprint(wrapped('parse_header'), rules).hash).not.toBe(fingerprint(wrapped('parse_body'), rules).hash);
  });

  it('starts the signature at a sentinel frame: a callback crash is grouped by its callback, whoever dispatched it', () => {
    const callback = (dispatcher: string) =>
      crash([frame(0, 'memcpy', LIBC), frame(1, 'on_message'), frame(2, dispatcher), frame(3, 'event_loop'), frame(4, 'main')]);
    expect(fingerprint(callback('dispatch_tcp')).frames).toEqual(['memcpy', 'on_message']);
    const rules = withDefaults('stack.function:on_* +sentinel');
    expect(fingerprint(callback('dispatch_tcp'), rules).frames).toEqual(['on_message']);
    expect(fingerprint(callback('dispatch_tcp'), rules).hash).toBe(fingerprint(callback('dispatch_udp'), rules).hash);
  });

  it('applies ^ to the frames nearer the crash and v to the callers', () => {
    const stack = crash([frame(0, 'helper_a'), frame(1, 'helper_b'), frame(2, 'bucket_of'), frame(3, 'caller'), frame(4, 'main')]);
    expect(fingerprint(stack, withDefaults('stack.function:bucket_of ^-group')).frames).toEqual(['bucket_of']);
    const below = withDefaults('stack.function:helper_b v-app');
    expect(fingerprint(stack, below).frames).toEqual(['helper_a']);
    const explained = explainFingerprint(stack, below).stack.find((f) => f.name === 'caller');
    expect(explained?.app).toBe(false);
    expect(explained?.notes.at(-1)?.effect).toBe("not the program's own (below helper_b)");
  });

  it('lets a later rule win over an earlier one for the same frame', () => {
    const stack = crash([frame(0, 'std::vector<T>::at', LIBC), frame(1, 'Table::get'), frame(2, 'main')]);
    // The standard library's own frames do not count by default.
    expect(fingerprint(stack).frames).toEqual(['Table::get']);
    expect(fingerprint(stack, withDefaults('stack.function:std::vector* +group')).frames).toEqual(['std::vector<T>::at', 'Table::get']);
    expect(fingerprint(stack, withDefaults('stack.function:std::vector* +group', 'stack.function:std::* -group')).frames).toEqual([
      'Table::get',
    ]);
  });

  it('continues the signature past a +prefix frame of the program’s own', () => {
    const stack = crash([frame(0, 'checked_get'), frame(1, 'load_user'), frame(2, 'main')]);
    expect(fingerprint(stack).frames).toEqual(['checked_get']);
    expect(fingerprint(stack, withDefaults('stack.function:checked_get +prefix')).frames).toEqual(['checked_get', 'load_user']);
  });

  it('fingerprints a matching crash by fixed values, and titles a group by a +title frame', () => {
    const fpe = (fn: string) => crash([frame(0, fn), frame(1, 'main')], 'SIGFPE');
    const rules = withDefaults('signal:SIGFPE -> divide-by-zero');
    expect(fingerprint(fpe('ratio'), rules).hash).toBe(fingerprint(fpe('average'), rules).hash);
    expect(explainFingerprint(fpe('ratio'), rules).fixedLine).toBeGreaterThan(100);
    const titled = withDefaults('stack.function:load_user +title');
    const stack = crash([frame(0, 'checked_get', '/opt/app/bin/server', '/src/get.c'), frame(1, 'load_user'), frame(2, 'main')]);
    expect(fingerprint(stack, titled).title).toBe('SIGSEGV in load_user');
    // The title is what people read; what groups stays the signature.
    expect(fingerprint(stack, titled).frames).toEqual(fingerprint(stack).frames);
  });

  it('explains every frame: which rule decided it, and whether it is in the signature', () => {
    const e = explainFingerprint(
      crash([frame(0, 'raise', LIBC), frame(1, 'abort', LIBC), frame(2, 'check'), frame(3, 'run'), frame(4, 'main')], 'SIGABRT'),
    );
    expect(e.mechanism).toBe('abort');
    expect(e.mechanismLine).toBe(DEFAULT_RULES.split('\n').findIndex((l) => l === 'stack.function:abort mechanism=abort') + 1);
    expect(e.stack.map((f) => [f.name, f.verdict, f.reason])).toEqual([
      ['raise', 'left-out', 'above the crash machinery'],
      ['abort', 'left-out', 'crash machinery'],
      ['check', 'signature', "the program's own top frame"],
      ['run', 'significant', 'below the signature'],
      ['main', 'left-out', 'a rule leaves it out'],
    ]);
    expect(e.stack[4]?.notes).toEqual([
      { line: expect.any(Number), rule: 'family:native stack.function:main -group', action: '-group', effect: 'left out' },
    ]);
  });
});

describe('trying rules on stored crashes', () => {
  const place = (groupId: number, hash: string, n: number) =>
    Array.from({ length: n }, () => ({ groupId, groupTitle: `group ${groupId}`, hash, title: `new ${hash}` }));

  it('finds the groups that would merge and split, and how many crashes move', () => {
    const preview = previewGrouping([...place(1, 'a', 4), ...place(2, 'a', 3), ...place(3, 'b', 5), ...place(3, 'c', 2)]);
    // Group 1 carries on as a, gathering group 2's three; group 3 carries on as b, and its two of c leave it.
    expect(preview).toMatchObject({ crashes: 14, groupsBefore: 3, groupsAfter: 3, moved: 5, merged: 1, split: 1, warnings: [] });
    expect(preview.merges[0]?.into.id).toBe(1);
    expect(preview.splits[0]?.into.map((g) => g.id)).toEqual([3, null]);
    expect(preview.merges[0]?.groups.map((g) => [g.id, g.crashes])).toEqual([
      [1, 4],
      [2, 3],
    ]);
    expect(preview.splits[0]?.into.map((g) => [g.title, g.crashes])).toEqual([
      ['new b', 5],
      ['new c', 2],
    ]);
  });

  it('warns when rules would put most crashes into one group', () => {
    const preview = previewGrouping([...place(1, 'x', 6), ...place(2, 'x', 5), ...place(3, 'y', 1)]);
    expect(preview.warnings).toEqual([expect.stringMatching(/would put 11 of the 12 crashes into one group, "new x"/)]);
  });
});
