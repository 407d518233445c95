import { type ImportanceClass, importanceClass } from "./scales.ts";
import { atMost, days, hours, minutes, nearZero, type Target, zero } from "./targets.ts";

export interface ImportanceClassSpec {
  class: ImportanceClass;
  label: { zh: string; en: string };
  /** 000 App. A.1, as printed. */
  description: { zh: string; en: string };
  rto: Target;
  rpo: Target;
}

/** 000 App. A.1 + A.2 (R-CL-01, R-CL-02). */
export const importanceClasses: readonly ImportanceClassSpec[] = [
  {
    class: importanceClass(1),
    label: { zh: "关键", en: "Critical" },
    description: {
      zh: "涉及国家安全、社会秩序、经济建设和公共利益的核心政务系统。应用系统短时间中断或数据丢失会对社会秩序、经济建设和公共利益造成严重影响，对政务机构履行其政务职能、机构财产、人员造成极其严重的负面影响。",
      en: "Core government system touching national security, social order, economic construction or public interest; a short interruption or data loss seriously affects society and has an extremely serious effect on the agency's functions, assets and staff.",
    },
    rto: atMost(minutes(15)),
    rpo: zero,
  },
  {
    class: importanceClass(2),
    label: { zh: "重要", en: "Important" },
    description: {
      zh: "涉及国家安全、社会秩序、经济建设和公共利益的重要政务系统。应用系统短时间中断或数据丢失会对社会秩序、经济建设和公共利益造成较大影响，对公民、法人和其他组织的合法权益造成较大影响，对政务机构履行其政务职能、机构财产、人员造成严重的负面影响。",
      en: "Important government system; a short interruption or data loss has a large impact on society and on the lawful rights of citizens and organisations, and a serious effect on the agency.",
    },
    rto: atMost(hours(1)),
    rpo: nearZero,
  },
  {
    class: importanceClass(3),
    label: { zh: "较重要", en: "Fairly important" },
    description: {
      zh: "涉及处理重要政务信息和提供重要政务服务的政务系统。应用系统中断会造成政务中断或数据丢失，影响政府部门日常工作、组织的日常经营运转、公民日常生活，对政务机构履行其政务职能、机构财产、机构形象和信誉造成较大的负面影响。",
      en: "Handles important government information or services; an outage interrupts government business or loses data, disrupting departments' daily work and citizens' daily life.",
    },
    rto: atMost(hours(4)),
    rpo: atMost(hours(1)),
  },
  {
    class: importanceClass(4),
    label: { zh: "一般", en: "General" },
    description: {
      zh: "用于处理日常政务信息和提供一般政务服务的电子政务系统。系统中断后对政务机构履行其政务职能、机构财产、机构形象和信誉造成中等程度的负面影响。",
      en: "Handles everyday government information and general services; an outage has a moderate negative impact on the agency.",
    },
    rto: atMost(hours(24)),
    rpo: atMost(hours(24)),
  },
  {
    class: importanceClass(5),
    label: { zh: "次要", en: "Secondary" },
    description: {
      zh: "用于一般的电子政务系统。系统遭到破坏后对政务机构履行其政务职能、机构财产、机构形象和信誉造成较小的负面影响。",
      en: "General e-government system; damage has a minor negative impact on the agency.",
    },
    rto: atMost(days(7)),
    rpo: atMost(hours(36)),
  },
];

export function importanceClassSpec(c: ImportanceClass): ImportanceClassSpec {
  return importanceClasses[c - 1] as ImportanceClassSpec;
}
