import { useState } from 'react';

/** Copies a text (an address, a path, a stack) and says so, for a moment, in its own words. */
export function CopyButton({ text, label, what }: { text: string; label: string; what: string }) {
  const [said, setSaid] = useState<string | null>(null);
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(
      () => setSaid('Copied'),
      (error: Error) => setSaid(`Not copied: ${error.message}`),
    );
    setTimeout(() => setSaid(null), 1500);
  };
  return (
    <button className="copy-button" onClick={copy} aria-label={`Copy ${what}`} title={text}>
      {said ?? label}
    </button>
  );
}
