import type { Thread } from '../../../shared/model';

export function RegistersView({ thread }: { thread: Thread }) {
  const entries = Object.entries(thread.registers);
  return (
    <div aria-label="Registers" role="group">
      {entries.length === 0 ? (
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
    <section className="panel locals" aria-label="Locals">
      <h2>Locals of frame #{frame}</h2>
      {!vars ? (
        <p className="muted">No locals for this frame: they are read for the crashing thread’s own frames with debug info.</p>
      ) : vars.length === 0 ? (
        <p className="muted">This frame has no locals or arguments.</p>
      ) : (
        <table>
          <tbody>
            {vars.map((v) => (
              <tr key={`${v.isArgument}-${v.name}`}>
                <td className="var-kind">{v.isArgument ? 'arg' : 'local'}</td>
                <td className="var-type">{v.type}</td>
                <td className="var-name">{v.name}</td>
                <td className="var-value">{v.value ?? '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
