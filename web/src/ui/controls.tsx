import type { ButtonHTMLAttributes, ComponentChildren, InputHTMLAttributes } from "preact";
import { useId } from "preact/hooks";

type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: "primary" | "secondary" | "danger" | "link";
  busy?: boolean;
};

export function Button({ variant = "secondary", busy, disabled, children, type, ...rest }: ButtonProps) {
  return (
    <button
      {...rest}
      type={type ?? "button"}
      class={`button button-${variant}`}
      disabled={disabled || busy}
      aria-busy={busy ? "true" : undefined}
    >
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

/**
 * A labelled form control with its hint and error: the label and messages are tied to the control
 * (for screen readers), and the error stays next to the field it is about.
 */
export function Field(props: {
  label: ComponentChildren;
  hint?: ComponentChildren;
  error?: string | undefined;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren;
}) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field${props.error ? " field-invalid" : ""}`}>
      <label for={id}>{props.label}</label>
      {props.children({ id, describedBy, invalid: Boolean(props.error) })}
      {props.hint ? (
        <p class="field-hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p class="field-error" id={errorId} role="alert">
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = Partial<
  Pick<
    InputHTMLAttributes<HTMLInputElement>,
    | "name"
    | "autoComplete"
    | "inputMode"
    | "pattern"
    | "maxLength"
    | "minLength"
    | "readOnly"
    | "required"
    | "placeholder"
    | "min"
    | "max"
    | "step"
    | "disabled"
  >
> & {
  type?: "text" | "password" | "email" | "tel" | "number" | "url" | "date" | "datetime-local" | "search";
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string | undefined;
};

export function TextField({ label, value, onValue, hint, error, ...rest }: InputProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => {
        // Preact types an input's attributes by its `type`; this field takes several text-like types.
        const attributes = {
          ...rest,
          type: rest.type ?? "text",
          id,
          value,
          "aria-describedby": describedBy,
          "aria-invalid": invalid ? "true" : undefined,
          onInput: (event: Event) => onValue((event.target as HTMLInputElement).value),
        } as InputHTMLAttributes<HTMLInputElement>;
        return <input {...attributes} />;
      }}
    </Field>
  );
}

export function SelectField<V extends string>(props: {
  label: ComponentChildren;
  value: V;
  onValue: (value: V) => void;
  options: readonly { value: V; label: string }[];
  hint?: ComponentChildren;
  error?: string | undefined;
  disabled?: boolean;
  name?: string;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          name={props.name}
          value={props.value}
          disabled={props.disabled}
          aria-describedby={describedBy}
          aria-invalid={invalid ? "true" : undefined}
          onChange={(event) => props.onValue((event.target as HTMLSelectElement).value as V)}
        >
          {props.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function TextAreaField(props: {
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  hint?: ComponentChildren;
  error?: string | undefined;
  rows?: number;
  name?: string;
  spellcheck?: boolean;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <textarea
          id={id}
          name={props.name}
          rows={props.rows ?? 4}
          value={props.value}
          spellcheck={props.spellcheck}
          aria-describedby={describedBy}
          aria-invalid={invalid ? "true" : undefined}
          onInput={(event) => props.onValue((event.target as HTMLTextAreaElement).value)}
        />
      )}
    </Field>
  );
}

export function CheckboxField(props: {
  label: ComponentChildren;
  checked: boolean;
  onChecked: (checked: boolean) => void;
  disabled?: boolean;
  name?: string;
}) {
  const id = useId();
  return (
    <div class="field field-checkbox">
      <input
        id={id}
        type="checkbox"
        name={props.name}
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChecked((event.target as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

export function Badge(props: {
  tone?: "ok" | "warn" | "bad" | "info" | "neutral";
  children: ComponentChildren;
}) {
  return <span class={`badge badge-${props.tone ?? "neutral"}`}>{props.children}</span>;
}

export function Loading(props: { label: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> {props.label}
    </p>
  );
}
