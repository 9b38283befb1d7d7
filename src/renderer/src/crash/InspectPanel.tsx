import { useState } from 'react';
import type { Crash, RuntimeName, Thread } from '../../../shared/model';
import { debuggerNumbersThread } from '../../../shared/frame-label';
import { RegistersView } from './DetailsView';
import { DisassemblyView } from './DisassemblyView';
import { MemoryView } from './MemoryView';
import { ModulesView } from './ModulesView';
import { AttachmentsView } from './AttachmentsView';
import { EnvironmentView } from './EnvironmentView';
import { useLiveSession } from './use-live-session';
import { TabList } from '../widgets/TabList';
import { GroupingView } from './GroupingView';

type Tab = 'registers' | 'disassembly' | 'memory' | 'modules' | 'grouping' | 'environment' | 'attachments';
const TABS: Array<[Tab, string]> = [
  ['registers', 'Registers'],
  ['disassembly', 'Disassembly'],
  ['memory', 'Memory'],
  ['modules', 'Modules'],
  ['grouping', 'Grouping'],
  ['environment', 'Environment'],
  ['attachments', 'Logs'],
];

/** Where a runtime's stack is read further, when the views cannot follow the console's numbering. */
const RUNTIME_CONSOLE_HINTS: Record<RuntimeName, string> = {
  node: 'the console’s v8 bt numbers its frames; v8 inspect and frame select read them.',
  go: 'the console’s gdb knows OS threads only; dlv core PROGRAM CORE reads the goroutines.',
  python: 'the console’s gdb numbers the interpreter’s C frames.',
};

/**
 * Registers, disassembly, memory and modules of the selected frame, and why the crash is in its
 * group; the live ones need the console's debugger.
 */
export function InspectPanel({ crash, thread, frame }: { crash: Crash; thread: Thread; frame: number }) {
  const [tab, setTab] = useState<Tab>('registers');
  const live = useLiveSession(crash.id);
  const numbered = debuggerNumbersThread(thread);
  const sessionId = numbered ? live : null;
  const needsDebugger = numbered ? (
    <p className="muted">Waiting for the console’s debugger: this view reads from it.</p>
  ) : (
    <p className="muted">
      {crash.runtime?.reader ?? 'The runtime’s reader'} numbered this {thread.goroutine !== undefined ? 'goroutine' : 'stack'}, not the
      console’s debugger: {RUNTIME_CONSOLE_HINTS[crash.runtime?.runtime ?? 'node']}
    </p>
  );
  return (
    <section className="panel registers inspect" aria-label="Inspect">
      <TabList<Tab> label="Inspect" className="inspect-tabs" tabs={TABS} selected={tab} onSelect={setTab} />
      <div role="tabpanel" aria-label={TABS.find(([id]) => id === tab)?.[1]}>
        {tab === 'registers' && <RegistersView thread={thread} frame={frame} />}
        {tab === 'disassembly' &&
          (sessionId ? <DisassemblyView sessionId={sessionId} thread={thread.number} frame={frame} /> : needsDebugger)}
        {tab === 'memory' && (sessionId ? <MemoryView sessionId={sessionId} thread={thread.number} frame={frame} /> : needsDebugger)}
        {tab === 'modules' && <ModulesView key={crash.id} crash={crash} />}
        {tab === 'grouping' && <GroupingView crashId={crash.id} />}
        {tab === 'environment' && <EnvironmentView environment={crash.environment} />}
        {tab === 'attachments' && <AttachmentsView attachments={crash.attachments ?? []} />}
      </div>
    </section>
  );
}
