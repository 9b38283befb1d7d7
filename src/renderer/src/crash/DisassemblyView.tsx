import { useEffect, useRef } from 'react';
import { liveFrame } from '../stores/console-store';
import { useLoaded } from './use-live-session';
import { fileName } from '../../../shared/frame-label';

/** The frame's function around its program counter, with the source line above each run of instructions. */
export function DisassemblyView({ sessionId, thread, frame }: { sessionId: string; thread: number; frame: number }) {
  const loaded = useLoaded(() => liveFrame.disassemble(sessionId, thread, frame), [sessionId, thread, frame]);
  const current = useRef<HTMLTableRowElement>(null);
  useEffect(() => {
    current.current?.scrollIntoView({ block: 'center' });
  }, [loaded]);
  if (loaded.state === 'loading' || loaded.state === 'idle') return <p className="muted">Disassembling…</p>;
  if (loaded.state === 'failed') return <p className="muted">{loaded.error}</p>;
  const { value } = loaded;
  return (
    <div className="disassembly">
      <p className="muted">
        {value.function ?? 'No function is known at this address; the bytes after it are shown.'}
        {value.truncated && ' — a long function: only the instructions around the program counter are shown.'}
      </p>
      <table aria-label="Disassembly">
        <tbody>
          {value.blocks.map((block, b) => [
            block.line !== null && (
              <tr key={`src-${b}`} className="src-line">
                <td colSpan={3}>
                  <span className="muted">
                    {block.file ? fileName(block.file) : ''}:{block.line}
                  </span>{' '}
                  <code>{block.source ?? ''}</code>
                </td>
              </tr>
            ),
            ...block.instructions.map((ins) => (
              <tr
                key={ins.address}
                ref={ins.current ? current : undefined}
                className={ins.current ? 'current' : undefined}
                aria-current={ins.current || undefined}
              >
                <td className="addr">{ins.address}</td>
                <td className="offset">{ins.offset === null ? '' : `<+${ins.offset}>`}</td>
                <td>
                  <code>{ins.text}</code>
                </td>
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}
