import type { Attachment } from '../../../shared/model';

/** Text that came with the crash: container logs, AppScope's info and cfg, apport's environment. */
export function AttachmentsView({ attachments }: { attachments: Attachment[] }) {
  if (attachments.length === 0) return <p className="muted">Nothing came with this crash besides the core.</p>;
  return (
    <div className="attachments">
      {attachments.map((a) => (
        <details key={a.name} open={attachments.length === 1}>
          <summary>{a.name}</summary>
          <pre aria-label={`Attachment ${a.name}`}>{a.text}</pre>
        </details>
      ))}
    </div>
  );
}
