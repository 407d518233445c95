import type { ComponentChildren } from "preact";
import { type ApiError, isApiError } from "../api/api-error.ts";
import { errorMessages } from "../i18n/error-messages.ts";
import { useLocale } from "../i18n/locale.ts";
import { defineMessages } from "../i18n/messages.ts";

const texts = defineMessages({
  zh: { requestId: "请求编号", fields: "请检查以下字段：", retry: "重试" },
  en: { requestId: "Request id", fields: "Check these fields:", retry: "Retry" },
});

/**
 * An error the user can act on: what happened and what to do next in the console's language (the
 * error catalogue), the API's own bilingual explanation when it gives one (who may do this), the
 * fields it names, and the request id for the operators.
 */
export function ErrorNotice(props: {
  error: unknown;
  onRetry?: () => void;
  fieldLabels?: Record<string, string>;
}) {
  const locale = useLocale();
  const t = texts.use();
  if (!props.error) return null;
  const error: ApiError | undefined = isApiError(props.error) ? props.error : undefined;
  const text = errorMessages[error?.explanationCode() ?? "UNKNOWN"] ?? errorMessages.UNKNOWN;
  const own = text[locale];
  return (
    <div class="notice notice-error" role="alert" data-code={error?.code ?? "UNKNOWN"}>
      <p class="notice-title">{own.message}</p>
      {error?.messages ? <p>{error.messages[locale]}</p> : null}
      <p>{own.next}</p>
      {error && error.fieldErrors.length > 0 ? (
        <>
          <p>{t.fields}</p>
          <ul>
            {error.fieldErrors.map((field) => (
              <li key={field.path}>
                <code>{props.fieldLabels?.[field.path] ?? field.path}</code>: {field.message}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {error?.requestId ? (
        <p class="notice-meta">
          {t.requestId}: <code>{error.requestId}</code>
        </p>
      ) : null}
      {props.onRetry ? (
        <button type="button" class="button button-secondary" onClick={props.onRetry}>
          {t.retry}
        </button>
      ) : null}
    </div>
  );
}

export function Notice(props: { tone?: "info" | "ok" | "warn"; children: ComponentChildren }) {
  return (
    <div class={`notice notice-${props.tone ?? "info"}`} role="status">
      {props.children}
    </div>
  );
}
