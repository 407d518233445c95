import { type DrLevel, drLevel } from "./scales.ts";
import { atMost, days, hours, minutes, type Target, zero } from "./targets.ts";

export type ApitGranularity = "day" | "hour" | "minute" | "second" | "millisecond";

export interface DrLevelSpec {
  level: DrLevel;
  /** GB/T 20988 Annex A level this e-government level corresponds to. */
  gbt20988Level: number;
  rto: Target;
  rpo: Target;
  /** Degraded operations objective: share of normal capacity the DR side must offer. */
  dooPercent: number;
  /** Network recovery objective. */
  nro: Target;
  /** Any-point-in-time rollback granularity. */
  apit: ApitGranularity;
  /** Where the printed table is probably wrong (requirements §3 item 2). */
  sourceNote?: string;
}

/** 000 App. B.1 + B.2 (R-CL-03, R-CL-04). */
export const drLevels: readonly DrLevelSpec[] = [
  {
    level: drLevel(1),
    gbt20988Level: 2,
    rto: atMost(days(7)),
    rpo: atMost(hours(36)),
    dooPercent: 50,
    nro: atMost(days(7)),
    apit: "day",
  },
  {
    level: drLevel(2),
    gbt20988Level: 3,
    rto: atMost(hours(24)),
    rpo: atMost(hours(24)),
    dooPercent: 70,
    nro: atMost(days(24)),
    apit: "hour",
    sourceNote:
      "B.2 prints NRO ≤24天 (24 days); every neighbouring value suggests ≤24 hours. Kept as printed.",
  },
  {
    level: drLevel(3),
    gbt20988Level: 4,
    rto: atMost(hours(4)),
    rpo: atMost(hours(1)),
    dooPercent: 80,
    nro: atMost(hours(4)),
    apit: "minute",
  },
  {
    level: drLevel(4),
    gbt20988Level: 5,
    rto: atMost(hours(1)),
    rpo: atMost(minutes(1)),
    dooPercent: 90,
    nro: atMost(hours(1)),
    apit: "second",
  },
  {
    level: drLevel(5),
    gbt20988Level: 6,
    rto: atMost(minutes(15)),
    rpo: zero,
    dooPercent: 100,
    nro: atMost(minutes(15)),
    apit: "millisecond",
  },
];

export function drLevelSpec(level: DrLevel): DrLevelSpec {
  return drLevels[level - 1] as DrLevelSpec;
}
