/** A token or secret typed by hand: masked, never offered for autocompletion. */
export function TokenInput({
  label,
  value,
  onChange,
  placeholder,
  required,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  placeholder?: string;
  required?: boolean;
}) {
  return (
    <input
      aria-label={label}
      placeholder={placeholder}
      type="password"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      autoComplete="off"
      required={required}
    />
  );
}
