/**
 * A rule's verdict on a configuration, in both console languages. `rule` names the requirement
 * (requirements.md) so an operator can look up why; `code` is stable for clients.
 */
export interface Finding {
  rule: string;
  code: string;
  severity: "error" | "warning" | "info";
  /** The configuration field the finding is about, as a dotted path. */
  path?: string;
  message: { zh: string; en: string };
}

export const hasErrors = (findings: readonly Finding[]) => findings.some((f) => f.severity === "error");
