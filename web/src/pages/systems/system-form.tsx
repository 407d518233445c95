import { drLevels } from "../../../../shared/classification/dr-levels.ts";
import { importanceClasses } from "../../../../shared/classification/importance-classes.ts";
import { prioritySchemes } from "../../../../shared/classification/priority-schemes.ts";
import { assessDrLevel } from "../../../../shared/classification/propose-level.ts";
import type { DrLevel, ImportanceClass } from "../../../../shared/classification/scales.ts";
import { useLocale } from "../../i18n/locale.ts";
import { defineMessages } from "../../i18n/messages.ts";
import { Button, CheckboxField, Field, SelectField, TextAreaField, TextField } from "../../ui/controls.tsx";
import {
  apitLabels,
  architectureLabels,
  architectures,
  replicationModeLabels,
  switchoverModeLabels,
} from "./labels.ts";
import { classText, FindingList, shared, TargetValue } from "./parts.tsx";
import { targetText } from "./policy-text.ts";
import {
  type DurationDraft,
  type DurationUnit,
  proposedLevelOf,
  type SystemDraft,
  secondsOf,
  systemTargets,
  withClass,
} from "./system-model.ts";

const texts = defineMessages({
  zh: {
    basics: "系统基本信息",
    name: "系统名称",
    nameHint: "例如：社会保险业务经办系统",
    description: "系统说明",
    descriptionHint: "主要业务、用户和数据，最多 500 字（选填）",
    architecture: "灾备架构",
    assessedOn: "定级评估日期",
    assessedOnHint: "最近一次业务影响分析和定级的日期；运行满一年后需重新评估。",
    healthEndpoint: "健康检查地址",
    healthEndpointHint: "选填，http(s) 地址，用于判断系统是否可用，例如 https://app.example.gov.cn/health",
    dependsOn: "依赖的业务系统",
    dependsOnHint: "切换和恢复时，先恢复被依赖的系统。",
    noOthers: "本单位暂无其他业务系统。",
    classTable: "附录A 电子政务系统重要等级",
    classColumn: "类别",
    label: "名称",
    classDescription: "说明",
    levelTable: "附录B 电子政务灾难恢复能力等级",
    levelColumn: "等级",
    gbt: "对应 GB/T 20988",
    doo: "DOO（降级运行能力）",
    nro: "NRO（网络恢复目标）",
    apit: "APIT（任意时间点回退粒度）",
    gbtLevel: (n: number) => `第${n}级`,
    proposed: "建议",
    proposal: "定级建议",
    proposalText: (n: number, label: string, level: number) =>
      `第${n}类（${label}）系统建议的灾难恢复能力等级为第${level}级：按标准，第 N 类系统与第 6−N 级的 RTO、RPO 相同（R-CL-05）。`,
    levelOk: (level: number) => `所选第${level}级能保证该类别要求的 RTO 和 RPO。`,
    useProposed: (level: number) => `采用建议的第${level}级`,
    priority: "恢复优先级（表1）",
    priorityHint: "5 级最高，决定可选的灾备方案（表1）。",
    schemeOf: (n: number) => `${n}级的方案：`,
    priorityOption: (n: number) => `${n}级`,
    minimum: (replication: string, switchover: string, remote: boolean) =>
      `策略至少需要：${replication}、${switchover}${remote ? "、远程完整灾备系统" : ""}。`,
    override: "三方约定的 RTO/RPO",
    overrideCheck: "与云服务商、云管理单位三方约定了不同于类别默认值的 RTO/RPO（R-CL-06）",
    overrideRto: "约定 RTO",
    overrideRpo: "约定 RPO",
    overrideHint: "留空则沿用类别默认值。",
    unitOf: (label: string) => `${label}的单位`,
    provider: "云服务商",
    tenant: "云使用单位（本单位）",
    managementUnit: "云管理单位",
    agreedOn: "约定日期",
    reference: "约定文件编号",
    referenceHint: "例如：渝数〔2026〕12号",
    inForce: "灾备策略须达到：",
    inForceText: (rto: string, rpo: string, source: string) => `RTO ${rto}，RPO ${rpo}（${source}）`,
    s: "秒",
    min: "分钟",
    h: "小时",
    d: "天",
  },
  en: {
    basics: "The system",
    name: "System name",
    nameHint: "e.g. Social insurance case handling",
    description: "Description",
    descriptionHint: "Main business, users and data; at most 500 characters (optional)",
    architecture: "DR architecture",
    assessedOn: "Assessed on",
    assessedOnHint: "When the business impact analysis and grading were last done; re-assess after a year.",
    healthEndpoint: "Health check URL",
    healthEndpointHint:
      "Optional http(s) URL that tells whether the system is up, e.g. https://app.example.gov.cn/health",
    dependsOn: "Depends on",
    dependsOnHint: "Systems this one needs: they are recovered first.",
    noOthers: "The unit has no other systems yet.",
    classTable: "App. A Importance classes of e-government systems",
    classColumn: "Class",
    label: "Name",
    classDescription: "Description",
    levelTable: "App. B E-government DR capability levels",
    levelColumn: "Level",
    gbt: "GB/T 20988 level",
    doo: "DOO (degraded operation)",
    nro: "NRO (network recovery)",
    apit: "APIT (any-point-in-time granularity)",
    gbtLevel: (n: number) => `Level ${n}`,
    proposed: "proposed",
    proposal: "Proposed level",
    proposalText: (n: number, label: string, level: number) =>
      `For class ${n} (${label}), DR level ${level} is proposed: the standard gives class N and level 6−N the same RTO and RPO (R-CL-05).`,
    levelOk: (level: number) => `Level ${level} guarantees the RTO and RPO this class requires.`,
    useProposed: (level: number) => `Use the proposed level ${level}`,
    priority: "Recovery priority (Table 1)",
    priorityHint: "5 is the highest; it sets the DR schemes allowed (Table 1).",
    schemeOf: (n: number) => `Schemes for priority ${n}: `,
    priorityOption: (n: number) => `Priority ${n}`,
    minimum: (replication: string, switchover: string, remote: boolean) =>
      `The policy needs at least: ${replication}, ${switchover}${remote ? ", a complete remote DR system" : ""}.`,
    override: "Agreed RTO/RPO",
    overrideCheck:
      "The provider, the unit and the cloud management unit agreed an RTO/RPO other than the class's (R-CL-06)",
    overrideRto: "Agreed RTO",
    overrideRpo: "Agreed RPO",
    overrideHint: "Leave blank to keep the class's value.",
    unitOf: (label: string) => `${label}: unit`,
    provider: "Cloud service provider",
    tenant: "Cloud user (this unit)",
    managementUnit: "Cloud management unit",
    agreedOn: "Agreed on",
    reference: "Agreement reference",
    referenceHint: "e.g. the document number of the agreement",
    inForce: "The DR policy must meet: ",
    inForceText: (rto: string, rpo: string, source: string) => `RTO ${rto}, RPO ${rpo} (${source})`,
    s: "seconds",
    min: "minutes",
    h: "hours",
    d: "days",
  },
});

export interface FieldsProps {
  draft: SystemDraft;
  onDraft: (update: (draft: SystemDraft) => SystemDraft) => void;
  /** What the API said about the field at this path, in the console's language. */
  errorAt: (path: string) => string | undefined;
}

/** Step 1 of the wizard, and the first part of the edit form: what the system is. */
export function SystemBasicsFields(
  props: FieldsProps & { others: readonly { systemId: string; name: string }[]; idPrefix: string },
) {
  const t = texts.use();
  const locale = useLocale();
  const { draft, onDraft, errorAt } = props;
  const set = <K extends keyof SystemDraft>(key: K) => ({
    value: draft[key] as string,
    onValue: (value: string) => onDraft((d) => ({ ...d, [key]: value })),
    error: errorAt(key),
  });
  return (
    <fieldset>
      <legend>{t.basics}</legend>
      <TextField label={t.name} hint={t.nameHint} required maxLength={120} name="name" {...set("name")} />
      <TextAreaField
        label={t.description}
        hint={t.descriptionHint}
        rows={3}
        name="description"
        {...set("description")}
      />
      <div class="form-row">
        <SelectField
          label={t.architecture}
          name="architecture"
          value={draft.architecture}
          onValue={(value) => onDraft((d) => ({ ...d, architecture: value }))}
          options={architectures.map((a) => ({ value: a, label: architectureLabels[a][locale] }))}
          error={errorAt("architecture")}
        />
        <TextField
          type="date"
          label={t.assessedOn}
          hint={t.assessedOnHint}
          required
          name="assessedOn"
          {...set("assessedOn")}
        />
      </div>
      <TextField
        type="url"
        label={t.healthEndpoint}
        hint={t.healthEndpointHint}
        name="healthEndpoint"
        {...set("healthEndpoint")}
      />
      <fieldset class="checkbox-group" id={`${props.idPrefix}-dependsOn`}>
        <legend>{t.dependsOn}</legend>
        <p class="field-hint">{t.dependsOnHint}</p>
        {props.others.length === 0 ? <p class="muted">{t.noOthers}</p> : null}
        {props.others.map((other) => (
          <CheckboxField
            key={other.systemId}
            label={other.name}
            checked={draft.dependsOn.includes(other.systemId)}
            onChecked={(checked) =>
              onDraft((d) => ({
                ...d,
                dependsOn: checked
                  ? [...d.dependsOn, other.systemId]
                  : d.dependsOn.filter((id) => id !== other.systemId),
              }))
            }
          />
        ))}
        {errorAt("dependsOn") ? (
          <p class="field-error" role="alert">
            {errorAt("dependsOn")}
          </p>
        ) : null}
      </fieldset>
    </fieldset>
  );
}

/** A duration as a number and a unit. */
function DurationField(props: {
  label: string;
  hint?: string;
  value: DurationDraft;
  onValue: (value: DurationDraft) => void;
  error?: string | undefined;
}) {
  const t = texts.use();
  const units: DurationUnit[] = ["s", "min", "h", "d"];
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <div class="duration-input">
          <input
            class="duration-value"
            id={id}
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            value={props.value.value}
            aria-describedby={describedBy}
            aria-invalid={invalid ? "true" : undefined}
            onInput={(event) =>
              props.onValue({ ...props.value, value: (event.target as HTMLInputElement).value })
            }
          />
          <select
            class="duration-unit"
            aria-label={t.unitOf(props.label)}
            value={props.value.unit}
            onChange={(event) =>
              props.onValue({
                ...props.value,
                unit: (event.target as HTMLSelectElement).value as DurationUnit,
              })
            }
          >
            {units.map((unit) => (
              <option key={unit} value={unit}>
                {t[unit]}
              </option>
            ))}
          </select>
        </div>
      )}
    </Field>
  );
}

/**
 * Step 2 of the wizard, and the second part of the edit form: the importance class with the App. A
 * table, the DR level with the App. B table, the proposed level explained as the user picks (the
 * API's own shared/classification code), the recovery priority with its Table 1 scheme, and the
 * three-party agreed targets.
 */
export function ClassificationFields(props: FieldsProps & { idPrefix: string }) {
  const t = texts.use();
  const s = shared.use();
  const locale = useLocale();
  const { draft, onDraft, errorAt } = props;
  const proposed = proposedLevelOf(draft.importanceClass);
  const assessment = assessDrLevel(draft.importanceClass as ImportanceClass, draft.drLevel as DrLevel);
  const scheme = prioritySchemes[draft.recoveryPriority - 1];
  const override = draft.override
    ? { rtoSeconds: secondsOf(draft.overrideRto), rpoSeconds: secondsOf(draft.overrideRpo) }
    : undefined;
  const validOverride = override && {
    ...(Number.isFinite(override.rtoSeconds) ? { rtoSeconds: override.rtoSeconds } : {}),
    ...(Number.isFinite(override.rpoSeconds) ? { rpoSeconds: override.rpoSeconds } : {}),
  };
  const targets = systemTargets({ ...draft, targetOverride: validOverride });
  const agreement = (key: keyof SystemDraft["agreement"]) => ({
    value: draft.agreement[key],
    onValue: (value: string) => onDraft((d) => ({ ...d, agreement: { ...d.agreement, [key]: value } })),
    error: errorAt(`targetOverride.agreement.${key}`),
    required: true,
  });
  const group = `${props.idPrefix}-class`;
  const levelGroup = `${props.idPrefix}-level`;
  return (
    <>
      <fieldset
        class="table-choice"
        aria-describedby={errorAt("importanceClass") ? `${group}-error` : undefined}
      >
        <legend>
          {s.importanceClass} · {t.classTable}
        </legend>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t.classTable}</caption>
            <thead>
              <tr>
                <th scope="col">{t.classColumn}</th>
                <th scope="col">{t.classDescription}</th>
                <th scope="col">RTO</th>
                <th scope="col">RPO</th>
              </tr>
            </thead>
            <tbody>
              {importanceClasses.map((spec) => {
                const id = `${group}-${spec.class}`;
                const chosen = draft.importanceClass === spec.class;
                return (
                  <tr key={spec.class} class={chosen ? "chosen" : undefined}>
                    <td class="choice">
                      <input
                        class="choice-radio"
                        type="radio"
                        id={id}
                        name={group}
                        checked={chosen}
                        onChange={() => onDraft((d) => withClass(d, spec.class))}
                      />
                      <label for={id}>{classText(spec.class, locale)}</label>
                    </td>
                    <td class="description">{spec.description[locale]}</td>
                    <td class="nowrap">
                      <TargetValue target={spec.rto} />
                    </td>
                    <td class="nowrap">
                      <TargetValue target={spec.rpo} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        {errorAt("importanceClass") ? (
          <p class="field-error" id={`${group}-error`} role="alert">
            {errorAt("importanceClass")}
          </p>
        ) : null}
      </fieldset>

      <fieldset class="table-choice">
        <legend>
          {s.drLevel} · {t.levelTable}
        </legend>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{t.levelTable}</caption>
            <thead>
              <tr>
                <th scope="col">{t.levelColumn}</th>
                <th scope="col">{t.gbt}</th>
                <th scope="col">RTO</th>
                <th scope="col">RPO</th>
                <th scope="col">{t.doo}</th>
                <th scope="col">{t.nro}</th>
                <th scope="col">{t.apit}</th>
              </tr>
            </thead>
            <tbody>
              {drLevels.map((spec) => {
                const id = `${levelGroup}-${spec.level}`;
                const chosen = draft.drLevel === spec.level;
                return (
                  <tr key={spec.level} class={chosen ? "chosen" : undefined}>
                    <td class="choice">
                      <input
                        class="choice-radio"
                        type="radio"
                        id={id}
                        name={levelGroup}
                        checked={chosen}
                        onChange={() => onDraft((d) => ({ ...d, drLevel: spec.level, drLevelChosen: true }))}
                      />
                      <label for={id}>{s.levelN(spec.level)}</label>
                      {spec.level === proposed ? (
                        <span class="badge badge-info proposed-badge">{t.proposed}</span>
                      ) : null}
                    </td>
                    <td>{t.gbtLevel(spec.gbt20988Level)}</td>
                    <td class="nowrap">
                      <TargetValue target={spec.rto} />
                    </td>
                    <td class="nowrap">
                      <TargetValue target={spec.rpo} />
                    </td>
                    <td>{spec.dooPercent}%</td>
                    <td class="nowrap">
                      <TargetValue target={spec.nro} />
                    </td>
                    <td>{apitLabels[spec.apit][locale]}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <div class="proposal" role="status" aria-live="polite" data-testid="proposal">
          <p class="proposal-title">{t.proposal}</p>
          <p>
            {t.proposalText(
              draft.importanceClass,
              importanceClasses[draft.importanceClass - 1]?.label[locale] ?? "",
              proposed,
            )}
          </p>
          {assessment.length === 0 ? (
            <p>{t.levelOk(draft.drLevel)}</p>
          ) : (
            <FindingList findings={assessment} />
          )}
          {draft.drLevel !== proposed ? (
            <Button
              variant="link"
              onClick={() => onDraft((d) => ({ ...d, drLevel: proposed, drLevelChosen: true }))}
            >
              {t.useProposed(proposed)}
            </Button>
          ) : null}
        </div>
        {errorAt("drLevel") ? (
          <p class="field-error" role="alert">
            {errorAt("drLevel")}
          </p>
        ) : null}
      </fieldset>

      <fieldset class="narrow-fields">
        <legend>{t.priority}</legend>
        <SelectField
          label={s.recoveryPriority}
          name="recoveryPriority"
          value={String(draft.recoveryPriority)}
          onValue={(value) =>
            onDraft((d) => ({ ...d, recoveryPriority: Number(value), priorityChosen: true }))
          }
          options={[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: t.priorityOption(n) }))}
          hint={
            scheme ? (
              <>
                <span class="hint-line">{t.priorityHint}</span>
                <span class="hint-line">
                  {t.schemeOf(draft.recoveryPriority)}
                  {scheme.schemes[locale]}
                </span>
                <span class="hint-line">
                  {t.minimum(
                    replicationModeLabels[scheme.minimum.replication][locale],
                    switchoverModeLabels[scheme.minimum.switchover][locale],
                    scheme.minimum.remoteDrSystem,
                  )}
                </span>
              </>
            ) : undefined
          }
          error={errorAt("recoveryPriority")}
        />
      </fieldset>

      <fieldset>
        <legend>{t.override}</legend>
        <CheckboxField
          label={t.overrideCheck}
          checked={draft.override}
          onChecked={(checked) => onDraft((d) => ({ ...d, override: checked }))}
        />
        {draft.override ? (
          <>
            <div class="form-row">
              <DurationField
                label={t.overrideRto}
                hint={t.overrideHint}
                value={draft.overrideRto}
                onValue={(value) => onDraft((d) => ({ ...d, overrideRto: value }))}
                error={errorAt("targetOverride.rtoSeconds")}
              />
              <DurationField
                label={t.overrideRpo}
                hint={t.overrideHint}
                value={draft.overrideRpo}
                onValue={(value) => onDraft((d) => ({ ...d, overrideRpo: value }))}
                error={errorAt("targetOverride.rpoSeconds")}
              />
            </div>
            <div class="form-row">
              <TextField label={t.provider} maxLength={200} {...agreement("provider")} />
              <TextField label={t.tenant} maxLength={200} {...agreement("tenant")} />
              <TextField label={t.managementUnit} maxLength={200} {...agreement("managementUnit")} />
            </div>
            <div class="form-row">
              <TextField type="date" label={t.agreedOn} {...agreement("agreedOn")} />
              <TextField
                label={t.reference}
                hint={t.referenceHint}
                maxLength={200}
                {...agreement("reference")}
              />
            </div>
          </>
        ) : null}
        <p class="in-force" data-testid="targets-in-force">
          <strong>{t.inForce}</strong>
          {t.inForceText(
            targetText(targets.required.rto, locale),
            targetText(targets.required.rpo, locale),
            targets.required.source === "agreement" ? s.agreed : s.classDefault,
          )}
        </p>
      </fieldset>
    </>
  );
}
