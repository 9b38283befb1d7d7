/** A form dialog's foot: what went wrong, if anything, then Cancel and the action that submits. */
export function DialogActions({ error, submit, onCancel }: { error: string | null; submit: string; onCancel(): void }) {
  return (
    <>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="modal-actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary">
          {submit}
        </button>
      </div>
    </>
  );
}
