import { z } from "zod";

/**
 * Distance rules for DR sites (R-CL-10). The documents disagree (requirements §3 item 1), so the
 * tenant chooses the rule set; the default is the DR construction specification itself.
 */
export const siteRuleSets = {
  "T/ZBLM 0001-2023": {
    label: "T/ZBLM 0001—2023 §7.1(1)",
    sameCityMaxKm: 50,
    remoteMinKm: 200,
    remoteInclusive: true,
  },
  "Chongqing-001": {
    label: "重庆市电子政务云平台安全管理工作指南 §7.5.6",
    sameCityMaxKm: 120,
    remoteMinKm: 200,
    remoteInclusive: false,
  },
} as const;
export type SiteRuleSet = keyof typeof siteRuleSets;
export const defaultSiteRuleSet: SiteRuleSet = "T/ZBLM 0001-2023";
export const siteRuleSetSchema = z.enum(Object.keys(siteRuleSets) as [SiteRuleSet, ...SiteRuleSet[]]);
