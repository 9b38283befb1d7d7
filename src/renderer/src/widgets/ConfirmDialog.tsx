import { Modal } from './Modal';

/** Asks before a change to the data; says that it can be undone, when it can. */
export function ConfirmDialog({
  title,
  message,
  confirm,
  onConfirm,
  onCancel,
}: {
  title: string;
  message: string;
  confirm: string;
  onConfirm(): void;
  onCancel(): void;
}) {
  return (
    <Modal label={title} onClose={onCancel} className="confirm-dialog">
      <h2>{title}</h2>
      <p>{message}</p>
      <div className="modal-actions">
        <button onClick={onCancel}>Cancel</button>
        <button className="primary" onClick={onConfirm} data-autofocus>
          {confirm}
        </button>
      </div>
    </Modal>
  );
}
