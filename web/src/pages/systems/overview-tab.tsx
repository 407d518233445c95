import { useState } from "preact/hooks";
import { prioritySchemeSpec } from "../../../../shared/classification/priority-schemes.ts";
import type { RecoveryPriority } from "../../../../shared/classification/scales.ts";
import { ApiError, isApiError } from "../../api/api-error.ts";
import { api } from "../../api/client.ts";
import { useFormat } from "../../i18n/format.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { can, useSession } from "../../session/session.ts";
import { Badge, Button } from "../../ui/controls.tsx";
import { ErrorNotice, Notice } from "../../ui/notice.tsx";
import { Section } from "../../ui/tabs.tsx";
import { architectureLabels } from "./labels.ts";
import { classText, FindingList, shared, TargetValue } from "./parts.tsx";
import type { SystemTabProps } from "./responses.ts";
import { ClassificationFields, SystemBasicsFields } from "./system-form.tsx";
import {
  draftToSystemBody,
  reassessmentDue,
  type SystemDraft,
  systemTargets,
  systemToDraft,
  today,
} from "./system-model.ts";
import { useAllSystems, useSubmission } from "./use-systems.ts";

const texts = defineMessages({
  zh: {
    classification: "定级",
    edit: "编辑",
    proposedIs: (n: number) => `（建议第${n}级）`,
    architecture: "灾备架构",
    assessedOn: "定级评估日期",
    due: "下次复核",
    overdue: "已到复核时间",
    description: "系统说明",
    healthEndpoint: "健康检查地址",
    none: "未填写",
    targets: "灾备指标",
    targetsCaption: "RTO 与 RPO：类别默认值、所选等级的保证、三方约定和策略须达到的目标",
    target: "指标",
    classDefault: "重要等级默认值（附录A）",
    levelGuarantee: "所选等级保证（附录B）",
    agreed: "三方约定",
    inForce: "策略须达到",
    agreement: "约定记录：",
    agreementText: (provider: string, tenant: string, unit: string, on: string, reference: string) =>
      `云服务商 ${provider}、云使用单位 ${tenant}、云管理单位 ${unit} 于 ${on} 约定，文件编号 ${reference}。`,
    dependencies: "依赖关系",
    dependsOn: "依赖的系统（先恢复）",
    dependedOnBy: "依赖本系统的系统",
    noDependencies: "无",
    compliance: "合规检查",
    compliant: "所选灾难恢复能力等级满足重要等级对 RTO 和 RPO 的要求。",
    editTitle: "编辑业务系统",
    save: "保存修改",
    cancel: "取消",
    saved: "修改已保存。",
    staleKeep: "仍以我的修改保存",
    staleReload: "载入最新内容（放弃我的修改）",
    staleText: "您的修改仍保留在下面的表单中。可以先载入最新内容查看对方的修改，或确认后以您的修改覆盖。",
  },
  en: {
    classification: "Classification",
    edit: "Edit",
    proposedIs: (n: number) => ` (level ${n} proposed)`,
    architecture: "DR architecture",
    assessedOn: "Assessed on",
    due: "Re-assessment due",
    overdue: "re-assessment due",
    description: "Description",
    healthEndpoint: "Health check URL",
    none: "not given",
    targets: "DR targets",
    targetsCaption:
      "RTO and RPO: class default, what the level guarantees, agreed, and what the policy must meet",
    target: "Target",
    classDefault: "Class default (App. A)",
    levelGuarantee: "Level guarantees (App. B)",
    agreed: "Agreed",
    inForce: "The policy must meet",
    agreement: "Agreement: ",
    agreementText: (provider: string, tenant: string, unit: string, on: string, reference: string) =>
      `Agreed on ${on} by the provider ${provider}, the cloud user ${tenant} and the cloud management unit ${unit}; reference ${reference}.`,
    dependencies: "Dependencies",
    dependsOn: "Depends on (recovered first)",
    dependedOnBy: "Systems that depend on this one",
    noDependencies: "none",
    compliance: "Compliance",
    compliant: "The chosen DR level meets the RTO and RPO the importance class requires.",
    editTitle: "Edit the system",
    save: "Save the changes",
    cancel: "Cancel",
    saved: "The changes are saved.",
    staleKeep: "Save my changes anyway",
    staleReload: "Load the latest (drop my changes)",
    staleText:
      "Your changes are still in the form below. Load the latest to see what the other person changed, or save yours over it.",
  },
});

/** The overview tab: classification, targets, dependencies and compliance, and the edit form. */
export function OverviewTab(props: SystemTabProps) {
  const t = texts.use();
  const s = shared.use();
  const locale = useLocale();
  const format = useFormat();
  const session = useSession();
  const { system } = props;
  const all = useAllSystems();
  const [editing, setEditing] = useState<{ draft: SystemDraft; baseVersion: number }>();
  const [error, setError] = useState<unknown>();
  const [stale, setStale] = useState<number>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const submit = useSubmission();
  const mayEdit = can("PUT /systems/{systemId}", session);
  const names = new Map((all.data ?? []).map((other) => [other.systemId, other.name]));
  const dependents = (all.data ?? []).filter((other) => other.dependsOn.includes(system.systemId));

  const save = async (baseVersion: number) => {
    if (!editing) return;
    const body = { ...draftToSystemBody(editing.draft), version: baseVersion };
    setBusy(true);
    setError(undefined);
    setStale(undefined);
    try {
      // `version` is the one the form was opened on: the API refuses the edit (409 STALE_VERSION)
      // if someone else changed the system since, instead of silently undoing their change.
      await submit(body, (idempotencyKey) =>
        api.put("/systems/{systemId}", { path: { systemId: system.systemId }, body, idempotencyKey }),
      );
      setEditing(undefined);
      setSaved(true);
      props.reload();
    } catch (failure) {
      if (isApiError(failure) && failure.code === "STALE_VERSION") setStale(-1);
      else setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (editing) {
    const apiError = isApiError(error) ? error : undefined;
    const errorAt = (path: string) => apiError?.fieldError(path);
    const onDraft = (update: (draft: SystemDraft) => SystemDraft) =>
      setEditing((e) => (e ? { ...e, draft: update(e.draft) } : e));
    return (
      <Section title={t.editTitle}>
        <form
          class="form form-wide"
          onSubmit={(event) => {
            event.preventDefault();
            void save(editing.baseVersion);
          }}
        >
          {stale !== undefined ? (
            <div class="stale">
              <ErrorNotice error={new ApiError(409, { code: "STALE_VERSION" })} />
              <p>{t.staleText}</p>
              <div class="form-actions">
                <Button
                  onClick={() => {
                    setEditing(undefined);
                    setStale(undefined);
                    props.reload();
                  }}
                >
                  {t.staleReload}
                </Button>
                <Button
                  variant="danger"
                  busy={busy}
                  onClick={async () => {
                    const latest =
                      stale > 0
                        ? stale
                        : (await api.get("/systems/{systemId}", { path: { systemId: system.systemId } }))
                            .version;
                    setEditing((e) => (e ? { ...e, baseVersion: latest } : e));
                    void save(latest);
                  }}
                >
                  {t.staleKeep}
                </Button>
              </div>
            </div>
          ) : null}
          <SystemBasicsFields
            draft={editing.draft}
            onDraft={onDraft}
            errorAt={errorAt}
            others={(all.data ?? []).filter((other) => other.systemId !== system.systemId)}
            idPrefix="edit"
          />
          <ClassificationFields draft={editing.draft} onDraft={onDraft} errorAt={errorAt} idPrefix="edit" />
          <ErrorNotice error={error} />
          <div class="form-actions">
            <Button type="submit" variant="primary" busy={busy}>
              {t.save}
            </Button>
            <Button
              onClick={() => {
                setEditing(undefined);
                setError(undefined);
                setStale(undefined);
              }}
            >
              {t.cancel}
            </Button>
          </div>
        </form>
      </Section>
    );
  }

  const targets = systemTargets(system);
  const override = system.targetOverride;
  const scheme = prioritySchemeSpec(system.recoveryPriority as RecoveryPriority);
  const due = reassessmentDue(system.assessedOn);
  return (
    <div class="overview">
      {saved ? <Notice tone="ok">{t.saved}</Notice> : null}
      <Section
        title={t.classification}
        actions={
          mayEdit ? (
            <Button
              onClick={() => {
                setSaved(false);
                setEditing({ draft: systemToDraft(system, today()), baseVersion: system.version });
              }}
            >
              {t.edit}
            </Button>
          ) : null
        }
      >
        <dl class="facts">
          <dt>{s.importanceClass}</dt>
          <dd>{classText(system.importanceClass, locale)}</dd>
          <dt>{s.drLevel}</dt>
          <dd>
            {s.levelN(system.drLevel)}
            {system.proposedDrLevel !== system.drLevel ? t.proposedIs(system.proposedDrLevel) : null}
          </dd>
          <dt>{s.recoveryPriority}</dt>
          <dd>
            {s.priorityN(system.recoveryPriority)}
            <span class="muted"> · {scheme.schemes[locale]}</span>
          </dd>
          <dt>{t.architecture}</dt>
          <dd>{architectureLabels[system.architecture][locale]}</dd>
          <dt>{t.assessedOn}</dt>
          <dd>
            {format.date(`${system.assessedOn}T00:00:00`)}
            <span class="muted">
              {" "}
              · {t.due} {format.date(`${due}T00:00:00`)}
            </span>{" "}
            {due <= today() ? <Badge tone="warn">{t.overdue}</Badge> : null}
          </dd>
          <dt>{t.description}</dt>
          <dd>{system.description || <span class="muted">{t.none}</span>}</dd>
          <dt>{t.healthEndpoint}</dt>
          <dd>
            {system.healthEndpoint ? (
              <code>{system.healthEndpoint}</code>
            ) : (
              <span class="muted">{t.none}</span>
            )}
          </dd>
        </dl>
      </Section>

      <Section title={t.targets}>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t.targetsCaption}</caption>
            <thead>
              <tr>
                <th scope="col">{t.target}</th>
                <th scope="col">{t.classDefault}</th>
                <th scope="col">{t.levelGuarantee}</th>
                <th scope="col">{t.agreed}</th>
                <th scope="col">{t.inForce}</th>
              </tr>
            </thead>
            <tbody>
              {(["rto", "rpo"] as const).map((which) => {
                const agreed = which === "rto" ? override?.rtoSeconds : override?.rpoSeconds;
                return (
                  <tr key={which}>
                    <th scope="row">{which === "rto" ? s.rto : s.rpo}</th>
                    <td>
                      <TargetValue target={targets.classDefault[which]} />
                    </td>
                    <td>
                      <TargetValue target={targets.level[which]} />
                    </td>
                    <td>
                      {agreed === undefined ? "—" : <TargetValue target={{ kind: "max", seconds: agreed }} />}
                    </td>
                    <td>
                      <strong>
                        <TargetValue target={targets.required[which]} />
                      </strong>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {override ? (
          <p>
            <strong>{t.agreement}</strong>
            {t.agreementText(
              override.agreement.provider,
              override.agreement.tenant,
              override.agreement.managementUnit,
              format.date(`${override.agreement.agreedOn}T00:00:00`),
              override.agreement.reference,
            )}
          </p>
        ) : null}
      </Section>

      <div class="grid-2">
        <Section title={t.dependencies}>
          <h3>{t.dependsOn}</h3>
          <SystemLinks ids={system.dependsOn} names={names} empty={t.noDependencies} />
          <h3>{t.dependedOnBy}</h3>
          <SystemLinks ids={dependents.map((d) => d.systemId)} names={names} empty={t.noDependencies} />
        </Section>
        <Section title={t.compliance}>
          <FindingList findings={system.drLevelFindings} empty={t.compliant} />
        </Section>
      </div>
    </div>
  );
}

function SystemLinks(props: { ids: readonly string[]; names: Map<string, string>; empty: string }) {
  if (props.ids.length === 0) return <p class="muted">{props.empty}</p>;
  return (
    <ul class="plain-list">
      {props.ids.map((id) => (
        <li key={id}>
          <a href={`/systems/${id}/overview`}>{props.names.get(id) ?? id}</a>
        </li>
      ))}
    </ul>
  );
}
