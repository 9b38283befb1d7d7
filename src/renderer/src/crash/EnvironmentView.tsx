/** The environment the process started with, as its core kept it. */
export function EnvironmentView({ environment }: { environment: string[] | undefined }) {
  if (!environment?.length) return <p className="muted">The core did not keep the environment (or it was empty).</p>;
  return (
    <table className="environment" aria-label="Environment variables">
      <tbody>
        {environment.map((entry, i) => {
          const at = entry.indexOf('=');
          return (
            <tr key={i}>
              <th>{at > 0 ? entry.slice(0, at) : entry}</th>
              <td>{at > 0 ? entry.slice(at + 1) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
