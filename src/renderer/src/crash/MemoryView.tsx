import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { useWidth } from '../widgets/use-width';
import type { MemoryDump } from '../../../shared/model';
import { liveFrame } from '../stores/console-store';

const LENGTHS = [64, 256, 1024, 4096];

/** How wide a row of 16 bytes needs its panel to be, address and ASCII included; narrower panels get rows of 8. */
const WIDE_ROW_PX = 600;

/** Rows of `perRow` bytes: address, hex, and the printable ASCII characters. */
function rows(dump: MemoryDump, perRow: number): Array<{ address: string; hex: string; ascii: string; readable: boolean }> {
  return dump.chunks.flatMap((chunk) => {
    if (!chunk.readable)
      return [{ address: chunk.address, hex: 'not in the core (never dumped, or not mapped)', ascii: '', readable: false }];
    const out = [];
    for (let i = 0; i < chunk.hex.length; i += perRow * 2) {
      const bytes = chunk.hex.slice(i, i + perRow * 2).match(/../g) ?? [];
      out.push({
        address: `0x${(BigInt(chunk.address) + BigInt(i / 2)).toString(16)}`,
        hex: bytes.join(' '),
        ascii: bytes.map((h) => (parseInt(h, 16) >= 0x20 && parseInt(h, 16) < 0x7f ? String.fromCharCode(parseInt(h, 16)) : '.')).join(''),
        readable: true,
      });
    }
    return out;
  });
}

/** Memory at an address, a register or a pointer, in the selected frame. */
export function MemoryView({ sessionId, thread, frame }: { sessionId: string; thread: number; frame: number }) {
  const [expression, setExpression] = useState('$sp');
  const [length, setLength] = useState(256);
  const [dump, setDump] = useState<MemoryDump | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [panel, width] = useWidth<HTMLDivElement>();
  // The expression as typed; what is read when the frame changes, without a read on each key.
  const typed = useRef(expression);
  typed.current = expression;
  const load = useCallback(() => {
    setError(null);
    liveFrame.readMemory(sessionId, thread, frame, typed.current.trim(), length).then(setDump, (err: unknown) => {
      setDump(null);
      setError(err instanceof Error ? err.message : String(err));
    });
  }, [sessionId, thread, frame, length]);
  // The memory follows the selected frame and thread, as the registers do.
  useEffect(load, [load]);
  const read = (e: FormEvent): void => {
    e.preventDefault();
    load();
  };
  return (
    <div className="memory" ref={panel}>
      <form onSubmit={read} className="memory-form">
        <input aria-label="Address" value={expression} onChange={(e) => setExpression(e.target.value)} placeholder="0x…, $sp, a pointer" />
        <select aria-label="Bytes" value={length} onChange={(e) => setLength(Number(e.target.value))}>
          {LENGTHS.map((n) => (
            <option key={n} value={n}>
              {n} bytes
            </option>
          ))}
        </select>
        <button type="submit">Read</button>
      </form>
      {error && <p className="muted">{error}</p>}
      {dump && (
        <table aria-label="Memory">
          <tbody>
            {rows(dump, width >= WIDE_ROW_PX ? 16 : 8).map((r) => (
              <tr key={r.address} className={r.readable ? undefined : 'unreadable'}>
                <td className="addr">{r.address}</td>
                <td>
                  <code>{r.hex}</code>
                </td>
                <td>
                  <code>{r.ascii}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
