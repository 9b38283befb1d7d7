import { useState } from 'react';
import type { VariableNode } from '../../../shared/model';
import { liveFrame } from '../stores/console-store';
import { useLoaded } from './use-live-session';

function VariableItem({ node, sessionId, depth }: { node: VariableNode; sessionId: string; depth: number }) {
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<VariableNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const toggle = (): void => {
    setOpen(!open);
    if (children || open) return;
    liveFrame.expandVariable(sessionId, node.id).then(setChildren, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };
  const expandable = node.childCount > 0;
  return (
    <li role="treeitem" aria-expanded={expandable ? open : undefined} aria-label={node.name}>
      <div className="var-row" style={{ paddingLeft: depth * 14 }}>
        {expandable ? (
          <button className="twisty" aria-label={`${open ? 'Close' : 'Open'} ${node.name}`} onClick={toggle}>
            {open ? '▾' : '▸'}
          </button>
        ) : (
          <span className="twisty" />
        )}
        {depth === 0 && <span className="var-kind">{node.isArgument ? 'arg' : 'local'}</span>}
        <span className="var-type">{node.type}</span> <span className="var-name">{node.name}</span>{' '}
        <span className="var-value">{node.value ?? ''}</span>
      </div>
      {open && error && <p className="muted">{error}</p>}
      {open && children && (
        <ul role="group">
          {children.map((c) => (
            <VariableItem key={c.id} node={c} sessionId={sessionId} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Arguments and locals from the live debugger: structures, arrays and pointers open on demand. */
export function VariablesView({ sessionId, thread, frame }: { sessionId: string; thread: number; frame: number }) {
  const loaded = useLoaded(() => liveFrame.variables(sessionId, thread, frame), [sessionId, thread, frame]);
  return (
    <section className="panel locals" aria-label="Locals">
      <h2>Locals of frame #{frame}</h2>
      {loaded.state === 'loading' && <p className="muted">Reading variables…</p>}
      {loaded.state === 'failed' && <p className="muted">{loaded.error}</p>}
      {loaded.state === 'done' &&
        (loaded.value.length === 0 ? (
          <p className="muted">This frame has no locals or arguments the debugger can see.</p>
        ) : (
          <ul role="tree" aria-label="Variables" className="var-tree">
            {loaded.value.map((node) => (
              <VariableItem key={node.id} node={node} sessionId={sessionId} depth={0} />
            ))}
          </ul>
        ))}
    </section>
  );
}
