import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Workbench } from '../../src/core/workbench';
import type { ConsoleEvent, WorkbenchEvent } from '../../src/shared/model';

const fixtures = inject('fixtures');
const SIZE = { cols: 120, rows: 30 };
let wb: Workbench;
const events: ConsoleEvent[] = [];

beforeAll(async () => {
  wb = new Workbench({ databasePath: join(mkdtempSync(join(tmpdir(), 'crashwb-console-')), 'wb.db') });
  // Disassembly shows source lines only from folders the user trusts: the fixtures' build folder.
  await wb.addSourceFolder(dirname(fixtures.workerThread.source));
  wb.onEvent((event: WorkbenchEvent) => {
    if (event.type.startsWith('console-')) events.push(event as ConsoleEvent);
  });
});
afterAll(() => wb.close());

const output = (sessionId: string): string =>
  events
    .filter((e): e is Extract<ConsoleEvent, { type: 'console-output' }> => e.type === 'console-output' && e.sessionId === sessionId)
    .map((e) => e.data)
    .join('')
    // Strip colours: assertions are about words, not styling.
    .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g'), '');

/** Waits, at most 20 s, until the console's output since `from` matches. */
async function expectOutput(sessionId: string, pattern: RegExp, from = 0): Promise<string> {
  await expect.poll(() => output(sessionId).slice(from), { timeout: 20_000, interval: 50 }).toMatch(pattern);
  return output(sessionId);
}

const selections = (sessionId: string) =>
  events
    .filter((e) => e.type === 'console-selection' && e.sessionId === sessionId)
    .map((e) => e.type === 'console-selection' && [e.thread, e.frame]);

describe('the debugger console on a core', () => {
  it('answers commands typed into it, on the same session the views use', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId, debugger: kind } = await wb.openConsole(crash.id, SIZE);
    expect(kind).toBe('gdb');
    await expectOutput(sessionId, /\(gdb\) $/);
    await wb.writeConsole(sessionId, 'info registers rip\r');
    await expectOutput(sessionId, /rip\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <read_retries\+\d+>/);

    const before = output(sessionId).length;
    await wb.writeConsole(sessionId, 'frame 1\r');
    await expectOutput(sessionId, /#1 .* in main /, before);
    await expect.poll(() => selections(sessionId), { timeout: 10_000 }).toContainEqual([1, 1]);

    const picked = output(sessionId).length;
    await wb.selectFrame(sessionId, 1, 0);
    await expectOutput(sessionId, /#0 .* in read_retries /, picked);
    await wb.closeConsole(sessionId);
  });

  it('keeps a command history: the up arrow brings back the last command', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await expectOutput(sessionId, /\(gdb\) $/);
    await wb.writeConsole(sessionId, 'print 6 * 7\r');
    await expectOutput(sessionId, /\$1 = 42/);
    await wb.writeConsole(sessionId, '\x1b[A\r');
    await expectOutput(sessionId, /\$2 = 42/);
    await wb.closeConsole(sessionId);
  });

  it('resizes its terminal, so what the debugger prints fits the panel', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await expectOutput(sessionId, /\(gdb\) $/);
    await wb.resizeConsole(sessionId, { cols: 91, rows: 17 });
    // gdb's own idea of the screen, which it takes from the terminal when a resize's SIGWINCH
    // reaches it (a shell's stty is not to be had: the console runs none).
    await expect
      .poll(
        async () => {
          // Resized again each time, as a person dragging the panel would: a resize that came
          // before gdb's own start-up settings (width 0) were applied is undone by them.
          await wb.resizeConsole(sessionId, { cols: 90, rows: 17 });
          await wb.resizeConsole(sessionId, { cols: 91, rows: 17 });
          const from = output(sessionId).length;
          await wb.writeConsole(sessionId, 'show width\r');
          await new Promise((resolve) => setTimeout(resolve, 250));
          return output(sessionId).slice(from);
        },
        { timeout: 20_000, interval: 250 },
      )
      .toMatch(/Number of characters gdb thinks are in a line is 91\./);
    await wb.writeConsole(sessionId, 'show height\r');
    await expectOutput(sessionId, /Number of lines gdb thinks are in a page is 17\./);
    await wb.closeConsole(sessionId);
  });

  it('refuses to start the crashed program, and gives gdb’s own answer to stepping a core', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await expectOutput(sessionId, /\(gdb\) $/);
    await wb.writeConsole(sessionId, 'run\r');
    await expectOutput(sessionId, /run is turned off in Crash Workbench: this session examines a core file/);
    await wb.writeConsole(sessionId, 'continue\r');
    await expectOutput(sessionId, /The program is not being run\./);
    await wb.writeConsole(sessionId, 'step\r');
    await expectOutput(sessionId, /The program is not being run\.[\s\S]*The program is not being run\./);
    await wb.writeConsole(sessionId, 'bt 1\r');
    await expectOutput(sessionId, /#0 .* in read_retries /);
    await wb.closeConsole(sessionId);
  });

  it('refuses every spelling of starting, attaching and connecting, and has no native target to start with', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await expectOutput(sessionId, /\(gdb\) $/);
    for (const command of ['r', 'ru', 'start', 'starti', 'attach 1', 'target native', 'tar rem | /bin/true', 'target extended-remote :1']) {
      const before = output(sessionId).length;
      await wb.writeConsole(sessionId, `${command}\r`);
      await expectOutput(sessionId, /is turned off in Crash Workbench/, before);
    }
    // Reached through history, which the console cannot read, `run` still finds no way to start.
    await wb.writeConsole(sessionId, 'show auto-connect-native-target\r');
    await expectOutput(sessionId, /native target is off/);
    await wb.writeConsole(sessionId, 'bt 1\r');
    await expectOutput(sessionId, /#0 .* in read_retries [\s\S]*#0 .* in read_retries /);
    await wb.closeConsole(sessionId);
  });

  it('runs no shell or script: shell, !, pipe, |, python, guile, make, even when the line was edited out of its sight', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await expectOutput(sessionId, /\(gdb\) $/);
    const marker = join(mkdtempSync(join(tmpdir(), 'crashwb-noshell-')), 'ran');
    for (const command of [
      `shell touch ${marker}`,
      `!touch ${marker}`,
      `pipe bt | touch ${marker}`,
      `| bt | touch ${marker}`,
      `python import os; os.system("touch ${marker}")`,
      `guile (system "touch ${marker}")`,
      `make -C /nonexistent -f ${marker}`,
    ]) {
      const before = output(sessionId).length;
      await wb.writeConsole(sessionId, `${command}\r`);
      await expectOutput(sessionId, /runs programs or scripts on this machine/, before);
    }
    // A line the console cannot follow (a cursor move in it) reaches gdb, which refuses it itself.
    const before = output(sessionId).length;
    await wb.writeConsole(sessionId, `shell touch ${marker}x\x1b[D\x1b[C\r`);
    await expectOutput(sessionId, /shell is turned off in Crash Workbench/, before);
    await wb.writeConsole(sessionId, 'bt 1\r');
    await expectOutput(sessionId, /#0 .* in read_retries [\s\S]*#0 .* in read_retries /);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(`${marker}x`)).toBe(false);
    await wb.closeConsole(sessionId);
  });

  it('switches threads from the views and follows thread commands typed in the console', async () => {
    const crash = await wb.openCore({ path: fixtures.workerThread.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await expectOutput(sessionId, /\(gdb\) $/);
    const other = crash.threads.find((t) => !t.crashed);
    if (!other) throw new Error('the worker_thread fixture has one thread');
    const before = output(sessionId).length;
    await wb.selectFrame(sessionId, other.number, 0);
    await expectOutput(sessionId, new RegExp(`Switching to thread ${other.number} `), before);
    await wb.writeConsole(sessionId, `thread ${crash.threads.find((t) => t.crashed)?.number}\r`);
    await expect.poll(() => selections(sessionId).at(-1), { timeout: 10_000 }).toEqual([crash.threads.find((t) => t.crashed)?.number, 0]);
    await wb.closeConsole(sessionId);
  });

  it('ends with a closed event, after which the session refuses input with a way forward', async () => {
    const crash = await wb.openCore({ path: fixtures.nullDeref.core });
    const { sessionId } = await wb.openConsole(crash.id, SIZE);
    await wb.writeConsole(sessionId, 'quit\r');
    await expect.poll(() => events.some((e) => e.type === 'console-closed' && e.sessionId === sessionId), { timeout: 10_000 }).toBe(true);
    await expect(wb.writeConsole(sessionId, 'bt\r')).rejects.toThrow(/no console .* is open; .* open the console again/);
  });

  it('says what to do when the core is gone, and keeps the stored crash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crashwb-gone-'));
    const copy = join(dir, 'core');
    copyFileSync(fixtures.nullDeref.core, copy);
    const crash = await wb.openCore({ path: copy, executable: fixtures.nullDeref.executable });
    rmSync(dir, { recursive: true });
    await expect(wb.openConsole(crash.id, SIZE)).rejects.toThrow(/the core .*core is gone or unreadable.*open the core again/);
    expect((await wb.getCrash(crash.id)).id).toBe(crash.id);
  });
});

describe('inspecting a frame through the console’s session', () => {
  let sessionId = '';
  let crashed = 0;

  beforeAll(async () => {
    const crash = await wb.openCore({ path: fixtures.workerThread.core });
    crashed = crash.threads.find((t) => t.crashed)?.number ?? 0;
    sessionId = (await wb.openConsole(crash.id, SIZE)).sessionId;
  }, 60_000);
  afterAll(() => wb.closeConsole(sessionId));

  it('disassembles the frame’s function with its source lines, marking the faulting instruction', async () => {
    const disassembly = await wb.disassemble(sessionId, crashed, 0);
    expect(disassembly.function).toBe('store_result');
    const current = disassembly.blocks.find((b) => b.instructions.some((i) => i.current));
    expect(current).toMatchObject({ line: 12, source: '  *job->result = job->id * 2;' });
    expect(current?.instructions.find((i) => i.current)?.text).toMatch(/^mov\s/);
    const addresses = disassembly.blocks.flatMap((b) => b.instructions.map((i) => BigInt(i.address)));
    expect(addresses).toEqual([...addresses].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('reads memory at a register and a pointer, and says where the core holds nothing', async () => {
    const stack = await wb.readMemory(sessionId, crashed, 0, '$sp', 64);
    expect(stack.chunks).toEqual([{ address: stack.address, hex: expect.stringMatching(/^[0-9a-f]{128}$/), readable: true }]);
    const job = await wb.readMemory(sessionId, crashed, 0, 'job', 16);
    // struct job {int id = 7; int *result = NULL}: 7 in little-endian, padding, then a null pointer.
    expect(job.chunks[0]?.hex).toMatch(/^07000000[0-9a-f]{8}0000000000000000$/);
    expect((await wb.readMemory(sessionId, crashed, 0, '0', 16)).chunks).toEqual([{ address: '0x0', hex: '', readable: false }]);
    await expect(wb.readMemory(sessionId, crashed, 0, 'no_such_variable', 16)).rejects.toThrow(/No symbol "no_such_variable"/);
  });

  it('lists a frame’s variables and opens a structure and the pointer in it', async () => {
    const variables = await wb.frameVariables(sessionId, crashed, 1);
    const job = variables.find((v) => v.name === 'job');
    expect(job).toMatchObject({ type: 'struct job', childCount: 2, isArgument: false });
    const fields = await wb.expandVariable(sessionId, job?.id ?? '');
    expect(fields.map((f) => [f.name, f.type, f.value])).toEqual([
      ['id', 'int', '7'],
      ['result', 'int *', '0x0'],
    ]);
    expect(variables.find((v) => v.name === 'arg')).toMatchObject({ isArgument: true });
    const again = await wb.frameVariables(sessionId, crashed, 0);
    expect(again.map((v) => v.name)).toEqual(['job']);
    await expect(wb.expandVariable(sessionId, job?.id ?? '')).rejects.toThrow(/Variable object not found/);
  });
});

describe('the lldb console and views on a core analysed with lldb', () => {
  let sessionId = '';
  let crashed = 0;

  beforeAll(async () => {
    const crash = await wb.openCore({ path: fixtures.workerThread.core, debugger: 'lldb' });
    crashed = crash.threads.find((t) => t.crashed)?.number ?? 0;
    const opened = await wb.openConsole(crash.id, SIZE);
    expect(opened.debugger).toBe('lldb');
    sessionId = opened.sessionId;
  }, 60_000);
  afterAll(() => wb.closeConsole(sessionId));

  it('answers `register read` and moves the views when a frame is selected in it', async () => {
    await expectOutput(sessionId, /Core file .* was loaded\.[\s\S]*\(lldb\) $/);
    await wb.writeConsole(sessionId, 'register read rip\r');
    await expectOutput(sessionId, /rip = 0x[0-9a-f]+\s+worker_thread`store_result/);
    await wb.writeConsole(sessionId, 'frame select 1\r');
    await expect.poll(() => selections(sessionId).at(-1), { timeout: 10_000 }).toEqual([crashed, 1]);
    await wb.writeConsole(sessionId, 'up\r');
    await expect.poll(() => selections(sessionId).at(-1), { timeout: 10_000 }).toEqual([crashed, 2]);
    // A backtrace lists every frame; the selection is still the starred one.
    await wb.writeConsole(sessionId, 'bt\r');
    await expectOutput(sessionId, /\* frame #2/);
    expect(selections(sessionId).at(-1)).toEqual([crashed, 2]);
    expect(output(sessionId)).not.toContain(`${String.fromCharCode(27)}]7777;`);
  });

  it('follows the views, in plain sight', async () => {
    const before = output(sessionId).length;
    await wb.selectFrame(sessionId, crashed, 0);
    await expectOutput(sessionId, /frame select 0[\s\S]*frame #0: .*store_result/, before);
  });

  it('refuses to start the crashed program, however it is spelt', async () => {
    const start = output(sessionId).length;
    for (const command of [
      'run',
      'r',
      'process launch',
      'pro la -- x',
      'process attach -p 1',
      'attach 1',
      'platform process launch -- /bin/true',
      'platform select host',
      'gdb-remote 1',
      'process connect connect://127.0.0.1:1',
    ]) {
      const before = output(sessionId).length;
      await wb.writeConsole(sessionId, `${command}\r`);
      await expectOutput(sessionId, /is turned off in Crash Workbench: this session examines a core file/, before);
    }
    await wb.writeConsole(sessionId, 'thread list\r');
    await expectOutput(sessionId, /Process \d+ stopped\s+\* thread #1/, start);
  });

  it('runs no shell or script: shell, platform shell, script, command script', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'crashwb-noshell-')), 'ran');
    for (const command of [
      `shell touch ${marker}`,
      `platform shell touch ${marker}`,
      `plat sh touch ${marker}`,
      `script import os; os.system("touch ${marker}")`,
      `command script import ${marker}.py`,
    ]) {
      const before = output(sessionId).length;
      await wb.writeConsole(sessionId, `${command}\r`);
      await expectOutput(sessionId, /runs programs or scripts on this machine/, before);
    }
    const before = output(sessionId).length;
    await wb.writeConsole(sessionId, 'thread list\r');
    await expectOutput(sessionId, /\* thread #1/, before);
    expect(existsSync(marker)).toBe(false);
  });

  it('cannot launch even a command the console could not read, since its platform has nowhere to launch', async () => {
    const before = output(sessionId).length;
    // Completion makes the line unknown to the console's guard; lldb itself must then refuse.
    await wb.writeConsole(sessionId, 'process launc\t\r');
    await expectOutput(sessionId, /\[Y\/n\]/, before);
    await wb.writeConsole(sessionId, 'Y\r');
    await expectOutput(sessionId, /error: failed to launch or debug process/, before);
    expect(output(sessionId).slice(before)).not.toMatch(/Process \d+ launched/);
  });

  it('disassembles, reads memory and opens variables', async () => {
    const disassembly = await wb.disassemble(sessionId, crashed, 0);
    expect(disassembly.function).toMatch(/^store_result/);
    expect(disassembly.blocks.find((b) => b.instructions.some((i) => i.current))).toMatchObject({
      line: 12,
      source: '  *job->result = job->id * 2;',
    });
    const stack = await wb.readMemory(sessionId, crashed, 0, '$sp', 32);
    expect(stack.chunks[0]).toMatchObject({ readable: true, hex: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await wb.readMemory(sessionId, crashed, 0, '0', 16)).chunks).toEqual([{ address: '0x0', hex: '', readable: false }]);
    const job = (await wb.frameVariables(sessionId, crashed, 1)).find((v) => v.name === 'job');
    expect(job).toMatchObject({ type: 'job', childCount: 1 });
    const fields = await wb.expandVariable(sessionId, job?.id ?? '');
    expect(fields.map((f) => [f.name, f.type])).toEqual([
      ['id', 'int'],
      ['result', 'int *'],
    ]);
    const pointer = (await wb.frameVariables(sessionId, crashed, 0)).find((v) => v.name === 'job');
    expect(pointer).toMatchObject({ type: 'job *', childCount: 1 });
    expect((await wb.expandVariable(sessionId, pointer?.id ?? '')).map((f) => f.name)).toEqual(['id', 'result']);
  }, 120_000);
});
