import type { FrameTrust, Thread } from '../../../shared/model';
import { frameLabel, TRUST_WORDS, type ModuleBase } from '../../../shared/frame-label';

const shortPath = (path: string | null): string => (path ? path.split(/[\\/]/).slice(-2).join('/') : '');

/** Frames the workbench walked say how they were found; the context's own frame needs no badge. */
const TRUST_BADGE: Partial<Record<FrameTrust, string>> = { cfi: 'CFI', 'frame-pointer': 'frame ptr', scan: 'scanned' };

interface Props {
  thread: Thread;
  /** For `module + 0xoffset` on frames without a function. */
  modules?: ModuleBase[];
  selected: number;
  onSelect(index: number): void;
}

export function StackView({ thread, modules, selected, onSelect }: Props) {
  return (
    <section className="panel stack">
      <h2>
        Stack of thread {thread.number}
        {thread.crashed ? ' (crashed)' : ''}
      </h2>
      <table aria-label="Stack">
        <tbody>
          {thread.frames.map((f) => (
            <tr
              key={f.index}
              aria-selected={f.index === selected}
              className={f.file ? 'has-source' : 'no-source'}
              onClick={() => onSelect(f.index)}
              tabIndex={0}
              onKeyDown={(e) => e.key === 'Enter' && onSelect(f.index)}
            >
              <td className="num">#{f.index}</td>
              <td className="fn">
                {frameLabel(f, modules)}
                {f.inline && <span className="badge subtle">inlined</span>}
                {f.trust && TRUST_BADGE[f.trust] && (
                  <span className={f.trust === 'scan' ? 'badge warn' : 'badge subtle'} title={`Found ${TRUST_WORDS[f.trust]}`}>
                    {TRUST_BADGE[f.trust]}
                  </span>
                )}
              </td>
              <td className="loc">{f.file ? `${shortPath(f.file)}:${f.line ?? '?'}` : shortPath(f.module)}</td>
              <td className="addr">{f.address}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {thread.frames.length === 0 && <p className="muted">No frames: the debugger did not unwind this thread.</p>}
      {thread.framesTruncated && <p className="muted">The stack was cut at {thread.frames.length} frames.</p>}
    </section>
  );
}
