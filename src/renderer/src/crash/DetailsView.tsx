import type { Thread } from '../../../shared/model';

/** The selected frame's registers: frame #0's from the thread, the others as unwound to them where they were kept. */
export function RegistersView({ thread, frame }: { thread: Thread; frame: number }) {
  const kept = frame === 0 ? thread.registers : thread.frameRegisters?.[String(frame)];
  const entries = Object.entries(kept ?? {});
  return (
    <div aria-label={`Registers of frame #${frame}`} role="group">
      <p className="muted registers-caption">
        {frame === 0
          ? 'Frame #0, where the thread stopped.'
          : `Frame #${frame}, as unwound to it: registers its callee did not save are not known.`}
      </p>
      {!kept ? (
        <p className="muted">
          Frame #{frame}’s registers were not kept: they are read for frame #0 and for the crashing thread’s frames with source.
        </p>
      ) : entries.length === 0 ? (
        <p className="muted">No registers.</p>
      ) : (
        <dl>
          {entries.map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}

export function LocalsView({ thread, frame }: { thread: Thread; frame: number }) {
  const vars = thread.locals[String(frame)];
  return (
    // Focusable, as a region that scrolls must be for the keyboard to scroll it: values can be long.
    <section className="panel locals" aria-label="Locals" tabIndex={0}>
      <h2>Locals of frame #{frame}</h2>
      {!vars ? (
        <p className="muted">No locals for this frame: they are read for the crashing thread’s own frames with debug info.</p>
      ) : vars.length === 0 ? (
        <p className="muted">This frame has no locals or arguments.</p>
      ) : (
        <table>
          <colgroup>
            <col className="var-kind" />
            <col className="var-type" />
            <col className="var-name" />
            <col />
          </colgroup>
          <tbody>
            {vars.map((v) => (
              <tr key={`${v.isArgument}-${v.name}`}>
                <td className="var-kind">{v.isArgument ? 'arg' : 'local'}</td>
                <td className="var-type" title={v.type ?? undefined}>
                  {v.type}
                </td>
                <td className="var-name" title={v.name}>
                  {v.name}
                </td>
                <td className="var-value">{v.value ?? '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
