import { useRef, useState, type ReactNode } from 'react';
import { Panel, PanelGroup, PanelResizeHandle, type ImperativePanelHandle } from 'react-resizable-panels';

/** A handle between two panes, reachable by Tab and moved by the arrow keys (the library's own behaviour). */
function Handle({ direction }: { direction: 'horizontal' | 'vertical' }) {
  return <PanelResizeHandle className={`resize-handle ${direction}`} />;
}

interface Props {
  threads: ReactNode;
  locals: ReactNode;
  stack: ReactNode;
  inspect: ReactNode;
  source: ReactNode;
  console: (collapse: { collapsed: boolean; toggle(): void }) => ReactNode;
}

/**
 * The crash view as a debugger lays it out: threads and locals on the left, the stack and the
 * inspection tabs in the middle, the source on the right, the console docked below and
 * collapsible. Every split can be dragged; its sizes are kept in the browser's storage.
 */
export function CrashLayout({ threads, locals, stack, inspect, source, console: renderConsole }: Props) {
  const consolePanel = useRef<ImperativePanelHandle>(null);
  const [collapsed, setCollapsed] = useState(false);
  const toggle = (): void => {
    const panel = consolePanel.current;
    if (!panel) return;
    if (panel.isCollapsed()) panel.expand();
    else panel.collapse();
  };
  return (
    <PanelGroup direction="vertical" autoSaveId="crashwb.crash.rows" className="crash-panels">
      <Panel id="work" order={1} defaultSize={68} minSize={30}>
        <PanelGroup direction="horizontal" autoSaveId="crashwb.crash.columns">
          <Panel id="left" order={1} defaultSize={22} minSize={12}>
            <PanelGroup direction="vertical" autoSaveId="crashwb.crash.left">
              <Panel id="threads" order={1} defaultSize={55} minSize={15}>
                {threads}
              </Panel>
              <Handle direction="vertical" />
              <Panel id="locals" order={2} defaultSize={45} minSize={15}>
                {locals}
              </Panel>
            </PanelGroup>
          </Panel>
          <Handle direction="horizontal" />
          <Panel id="middle" order={2} defaultSize={40} minSize={20}>
            <PanelGroup direction="vertical" autoSaveId="crashwb.crash.middle">
              <Panel id="stack" order={1} defaultSize={55} minSize={15}>
                {stack}
              </Panel>
              <Handle direction="vertical" />
              <Panel id="inspect" order={2} defaultSize={45} minSize={15}>
                {inspect}
              </Panel>
            </PanelGroup>
          </Panel>
          <Handle direction="horizontal" />
          <Panel id="source" order={3} defaultSize={38} minSize={15}>
            {source}
          </Panel>
        </PanelGroup>
      </Panel>
      <Handle direction="vertical" />
      <Panel
        id="console"
        order={2}
        ref={consolePanel}
        defaultSize={32}
        minSize={15}
        collapsible
        collapsedSize={6}
        onCollapse={() => setCollapsed(true)}
        onExpand={() => setCollapsed(false)}
      >
        {renderConsole({ collapsed, toggle })}
      </Panel>
    </PanelGroup>
  );
}
