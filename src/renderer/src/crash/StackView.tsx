import { useMemo, useState } from 'react';
import type { FrameTrust, Thread } from '../../../shared/model';
import {
  framePosition,
  frameLabel,
  isGuessed,
  LANGUAGE_BADGES,
  shownAddress,
  TRUST_WORDS,
  type ModuleBase,
} from '../../../shared/frame-label';
import { tailCallWords, withTailCalls, type ShownFrame } from '../../../shared/tail-calls';
import { useRoving } from '../widgets/roving';
import { CopyButton } from '../widgets/CopyButton';
import { foldRecursion } from './recursion';

const shortPath = (path: string | null): string => (path ? path.split(/[\\/]/).slice(-2).join('/') : '');

/** "Stack of thread 3", "Stack of goroutine 18", or the name of a stack that ran on no thread the core knows. */
function stackTitle(thread: Props['thread']): string {
  if (thread.goroutine !== undefined) return `Stack of goroutine ${thread.goroutine}`;
  if (thread.id !== undefined && thread.id <= 0 && thread.name) return thread.name;
  return `Stack of thread ${thread.number}`;
}

/** `dir/file.c:12`, or `defined at index.js:12:13` where only the function's definition is known. */
function shortPosition(f: ShownFrame): string {
  const place = `${shortPath(f.file)}:${f.line ?? '?'}${f.column !== undefined ? `:${f.column}` : ''}`;
  return f.position === 'definition' ? `defined at ${place}` : place;
}

/** Frames the workbench walked say how they were found; the context's own frame needs no badge. */
const TRUST_BADGE: Partial<Record<FrameTrust, string>> = { cfi: 'CFI', 'frame-pointer': 'frame ptr', scan: 'scanned', guess: 'guessed' };

interface Props {
  thread: Pick<Thread, 'number' | 'crashed' | 'frames' | 'framesTruncated' | 'goroutine'> & Partial<Pick<Thread, 'id' | 'name'>>;
  /** The heading; the thread's number by default. */
  title?: string;
  /** For `module + 0xoffset` on frames without a function. */
  modules?: ModuleBase[];
  selected: number;
  onSelect(index: number): void;
}

function FrameCells({ frame: f, modules }: { frame: ShownFrame; modules?: ModuleBase[] }) {
  const label = frameLabel(f, modules);
  return (
    <>
      {/* An inferred tail call has no frame number of its own: it sits above the frame that called it. */}
      <td className="num">{f.tailCall ? '↳' : `#${f.index}`}</td>
      <td className="fn" title={label}>
        {/* The name gives way to an ellipsis; how the frame was found always shows. */}
        <div className="fn-cell">
          <span className="fn-label">{label}</span>
          {f.inline && <span className="badge subtle">inlined</span>}
          {f.tailCall && (
            <span
              className={f.tailCall.certain ? 'badge subtle' : 'badge warn'}
              title={`${tailCallWords(f.tailCall)}: gone from the stack, the function left by a jump in place of a call (an optimised tail call), found from the call below it${f.tailCall.certain ? '' : '; not counted in grouping'}`}
            >
              {f.tailCall.certain ? 'tail call' : 'tail call?'}
            </span>
          )}
          {f.trust && TRUST_BADGE[f.trust] && (
            <span className={isGuessed(f) ? 'badge warn' : 'badge subtle'} title={`Found ${TRUST_WORDS[f.trust]}`}>
              {TRUST_BADGE[f.trust]}
            </span>
          )}
          {f.language && (
            <span className="badge subtle" title={`${LANGUAGE_BADGES[f.language]} code, read by the runtime's own reader`}>
              {LANGUAGE_BADGES[f.language]}
            </span>
          )}
          {f.pastMain && (
            <span className="badge subtle" title="The C library's start-up, after main: left out of grouping">
              start-up
            </span>
          )}
        </div>
      </td>
      <td className="loc" title={f.file ? framePosition(f) : (f.module ?? '')}>
        {f.file ? shortPosition(f) : shortPath(f.module)}
      </td>
      <td className="addr" title={shownAddress(f)}>
        {shownAddress(f)}
      </td>
    </>
  );
}

/** The selected thread's frames; runs of recursion folded, arrows move through them, Enter unfolds. */
export function StackView({ thread, title, modules, selected, onSelect }: Props) {
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const rows = useMemo(() => foldRecursion(withTailCalls(thread.frames), expanded), [thread.frames, expanded]);
  const selectedRow = Math.max(
    0,
    rows.findIndex((r) =>
      r.kind === 'frame' ? !r.frame.tailCall && r.frame.index === selected : r.frames.some((f) => f.index === selected),
    ),
  );
  const [focused, setFocused] = useState<number | null>(null);
  const current = focused !== null && focused < rows.length ? focused : selectedRow;
  const expand = (id: number) => setExpanded(new Set([...expanded, id]));
  const { itemProps } = useRoving({
    count: rows.length,
    selected: current,
    onSelect: (i) => {
      setFocused(i);
      const row = rows[i];
      if (row?.kind === 'frame') onSelect(row.frame.index);
    },
    onOpen: (i) => {
      const row = rows[i];
      if (row?.kind === 'folded') expand(row.id);
      else if (row) onSelect(row.frame.index);
    },
  });
  return (
    <section className="panel stack">
      <h2>
        {title ?? `${stackTitle(thread)}${thread.crashed ? ' (crashed)' : ''}`}
        <CopyButton
          label="Copy"
          what="the stack as text"
          text={withTailCalls(thread.frames)
            .map(
              (f) =>
                `${f.tailCall ? '↳' : `#${f.index}`} ${shownAddress(f) || '-'} ${frameLabel(f, modules)}${f.file ? ` ${f.position === 'definition' ? '' : 'at '}${framePosition(f)}` : ''}${f.tailCall ? ` [${tailCallWords(f.tailCall)}]` : ''}`,
            )
            .join('\n')}
        />
      </h2>
      <table aria-label="Stack">
        <colgroup>
          <col className="num" />
          <col className="fn" />
          <col className="loc" />
          <col className="addr" />
        </colgroup>
        <tbody>
          {rows.map((row, i) =>
            row.kind === 'frame' ? (
              <tr
                key={row.frame.tailCall ? `tail-${row.frame.index}-${row.frame.address}` : row.frame.index}
                aria-selected={!row.frame.tailCall && row.frame.index === selected}
                className={row.frame.file ? 'has-source' : 'no-source'}
                onClick={() => {
                  setFocused(i);
                  onSelect(row.frame.index);
                }}
                {...itemProps(i)}
              >
                <FrameCells frame={row.frame} modules={modules} />
              </tr>
            ) : (
              <tr key={`fold-${row.id}`} className="folded" onClick={() => expand(row.id)} {...itemProps(i)}>
                <td className="num">⋮</td>
                <td className="fn" colSpan={3}>
                  {row.label}{' '}
                  <span className="muted">
                    (#{row.frames[0]?.index}–#{row.frames.at(-1)?.index}) — Enter to show them
                  </span>
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      {thread.frames.length === 0 && <p className="muted">No frames: the debugger did not unwind this thread.</p>}
      {thread.framesTruncated && <p className="muted">The stack was cut at {thread.frames.length} frames.</p>}
    </section>
  );
}
