import { useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { defaultSiteRuleSet } from "../../../../shared/policies/site-rules.ts";
import { isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Button } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { PolicyForm } from "./policy-form.tsx";
import { defaultPolicyDraft, draftToPolicy, type PolicyDraft } from "./policy-model.ts";
import type { SystemView } from "./responses.ts";
import { ClassificationFields, SystemBasicsFields } from "./system-form.tsx";
import {
  draftToSystemBody,
  emptySystemDraft,
  type SystemDraft,
  today,
  wizardStepOf,
} from "./system-model.ts";
import { useAllSystems, useSiteRuleSet, useSubmission } from "./use-systems.ts";

const texts = defineMessages({
  zh: {
    title: "接入向导",
    intro:
      "三步完成业务系统接入：填写系统信息，按附录A、附录B定级，再设置灾备策略。每一步填写的内容在返回修改时都会保留。",
    steps: "接入步骤",
    step1: "系统",
    step2: "定级",
    step3: "策略",
    stepOf: (n: number, label: string) => `第 ${n} 步：${label}`,
    done: "已完成",
    current: "当前步骤",
    next: "下一步",
    back: "上一步",
    create: "创建系统，下一步设置策略",
    update: "保存修改，下一步设置策略",
    created: (name: string, id: string) =>
      `业务系统“${name}”已登记（编号 ${id}）。返回修改并点下一步会更新该系统，不会重复登记。`,
    policyIntro: (name: string) =>
      `为“${name}”设置灾备策略。默认值已按该系统的重要等级、灾难恢复能力等级和恢复优先级填好，请至少填写备份源。`,
    save: "保存灾备策略",
    later: "稍后再设置策略",
  },
  en: {
    title: "Onboarding",
    intro:
      "Three steps onboard a system: describe it, grade it with the App. A and App. B tables, then set its DR policy. Going back keeps what you typed.",
    steps: "Onboarding steps",
    step1: "System",
    step2: "Classification",
    step3: "Policy",
    stepOf: (n: number, label: string) => `Step ${n}: ${label}`,
    done: "done",
    current: "current step",
    next: "Next",
    back: "Back",
    create: "Create the system, then set its policy",
    update: "Save the changes, then set the policy",
    created: (name: string, id: string) =>
      `System “${name}” is registered (id ${id}). Changing it here and pressing Next updates it; it is not registered twice.`,
    policyIntro: (name: string) =>
      `Set the DR policy of “${name}”. The defaults fit the system's class, DR level and recovery priority; at least name what to back up.`,
    save: "Save the DR policy",
    later: "Set the policy later",
  },
});

type Step = 1 | 2 | 3;

/** The onboarding wizard: 1 the system → 2 its classification → 3 its DR policy (R-CL-*, issue #19). */
export function OnboardingPage() {
  const t = texts.use();
  const location = useLocation();
  const [step, setStep] = useState<Step>(1);
  const [draft, setDraftState] = useState<SystemDraft>(() => emptySystemDraft(today()));
  const [created, setCreated] = useState<SystemView>();
  const [systemError, setSystemError] = useState<unknown>();
  const [policyDraft, setPolicyDraft] = useState<PolicyDraft>();
  const [policyTouched, setPolicyTouched] = useState(false);
  const [policyError, setPolicyError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const systems = useAllSystems();
  const siteRuleSet = useSiteRuleSet() ?? defaultSiteRuleSet;
  const submitSystem = useSubmission();
  /** The body the system was last registered or updated with. */
  const sent = useRef<string | undefined>(undefined);
  const submitPolicy = useSubmission();
  const systemApiError = isApiError(systemError) ? systemError : undefined;
  const errorAt = (path: string) => systemApiError?.fieldError(path);
  const setDraft = (update: (draft: SystemDraft) => SystemDraft) => setDraftState(update);
  const others = (systems.data ?? []).filter((s) => s.systemId !== created?.systemId);
  const stepLabels = [t.step1, t.step2, t.step3];

  const toPolicy = async () => {
    const body = draftToSystemBody(draft);
    // Back and forth without a change: the system stays as registered.
    if (created && sent.current === JSON.stringify(body)) {
      setStep(3);
      return;
    }
    setBusy(true);
    setSystemError(undefined);
    try {
      const system = await submitSystem(body, (idempotencyKey) =>
        created
          ? api.put("/systems/{systemId}", { path: { systemId: created.systemId }, body, idempotencyKey })
          : api.post("/systems", { body, idempotencyKey }),
      );
      setCreated(system);
      sent.current = JSON.stringify(body);
      // The defaults follow the classification until the user has changed the policy form.
      if (!policyDraft || !policyTouched) setPolicyDraft(defaultPolicyDraft(system, siteRuleSet));
      setStep(3);
    } catch (error) {
      setSystemError(error);
      const first = isApiError(error) ? error.fieldErrors[0]?.path : undefined;
      if (first !== undefined) setStep(wizardStepOf(first));
    } finally {
      setBusy(false);
    }
  };

  const savePolicy = async () => {
    if (!created || !policyDraft) return;
    const body = draftToPolicy(policyDraft);
    setBusy(true);
    setPolicyError(undefined);
    try {
      const record = await submitPolicy(body, (idempotencyKey) =>
        api.put("/systems/{systemId}/policy", { path: { systemId: created.systemId }, body, idempotencyKey }),
      );
      location.route(`/systems/${created.systemId}/overview?onboarded=${record.version}`);
    } catch (error) {
      setPolicyError(error);
      window.scrollTo({ top: 0 });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="page onboarding-page">
      <header class="page-header">
        <div>
          <h1>{t.title}</h1>
          <p>{t.intro}</p>
        </div>
      </header>
      <nav aria-label={t.steps}>
        <ol class="wizard-steps">
          {stepLabels.map((label, index) => {
            const n = (index + 1) as Step;
            const state = n < step ? "done" : n === step ? "current" : "todo";
            return (
              <li key={n} data-state={state} aria-current={n === step ? "step" : undefined}>
                <span class="wizard-step-number" aria-hidden="true">
                  {n}
                </span>
                <span class="wizard-step-label">{label}</span>
                <span class="visually-hidden">
                  {state === "done" ? `（${t.done}）` : state === "current" ? `（${t.current}）` : ""}
                </span>
              </li>
            );
          })}
        </ol>
      </nav>
      <h2 class="wizard-title">{t.stepOf(step, stepLabels[step - 1] ?? "")}</h2>
      {created && step < 3 ? <Notice>{t.created(created.name, created.systemId)}</Notice> : null}

      {step === 1 ? (
        <form
          class="form form-wide"
          onSubmit={(event) => {
            event.preventDefault();
            setStep(2);
          }}
        >
          <SystemBasicsFields
            draft={draft}
            onDraft={setDraft}
            errorAt={errorAt}
            others={others}
            idPrefix="wizard"
          />
          <ErrorNotice error={systemError} />
          <div class="form-actions">
            <Button type="submit" variant="primary">
              {t.next}
            </Button>
          </div>
        </form>
      ) : null}

      {step === 2 ? (
        <form
          class="form form-wide"
          onSubmit={(event) => {
            event.preventDefault();
            void toPolicy();
          }}
        >
          <ClassificationFields draft={draft} onDraft={setDraft} errorAt={errorAt} idPrefix="wizard" />
          <ErrorNotice error={systemError} />
          <div class="form-actions">
            <Button onClick={() => setStep(1)}>{t.back}</Button>
            <Button type="submit" variant="primary" busy={busy}>
              {created ? t.update : t.create}
            </Button>
          </div>
        </form>
      ) : null}

      {step === 3 && created && policyDraft ? (
        <>
          <p>{t.policyIntro(created.name)}</p>
          <PolicyForm
            draft={policyDraft}
            onDraft={(update) => {
              setPolicyTouched(true);
              setPolicyDraft((d) => (d ? update(d) : d));
            }}
            system={created}
            siteRuleSet={siteRuleSet}
            error={policyError}
            busy={busy}
            submitLabel={t.save}
            onSubmit={() => void savePolicy()}
            onCancel={() => setStep(2)}
            cancelLabel={t.back}
            actions={
              <a class="button button-link" href={`/systems/${created.systemId}/overview`}>
                {t.later}
              </a>
            }
          />
        </>
      ) : null}
    </section>
  );
}
