import { DEBUGGERS } from '../../../shared/model';

/** The debuggers as a select's options, from the one list the contract keeps. */
export function DebuggerOptions() {
  return (
    <>
      {DEBUGGERS.map((kind) => (
        <option key={kind} value={kind}>
          {kind}
        </option>
      ))}
    </>
  );
}
