/**
 * The vault's S3 replication rules, as S3's API spells them (only the fields read here are named).
 */
export interface VaultReplicationRule {
  ID?: string;
  Priority?: number;
  Status?: string;
  Prefix?: string;
  Filter?: { Prefix?: string; [other: string]: unknown };
  [other: string]: unknown;
}

/** The vault's replication configuration (S3 keeps at most 1,000 rules). */
export interface VaultReplicationRules {
  /** undefined when the vault has no S3 replication (a cloud without it: the replicator does it all). */
  current(): Promise<VaultReplicationRule[] | undefined>;
  put(rules: VaultReplicationRule[]): Promise<void>;
}

export const maxReplicationRules = 1000;
const unitRulePrefix = "unit-";
const idleRuleId = "idle";

const prefixOf = (rule: VaultReplicationRule) => rule.Prefix ?? rule.Filter?.Prefix ?? "";

/** Whether an enabled rule covers the key. */
export const coveredBy = (rules: VaultReplicationRule[] | undefined, key: string) =>
  (rules ?? []).some((rule) => rule.Status === "Enabled" && key.startsWith(prefixOf(rule)));

const keptPerUnit = (rule: VaultReplicationRule) =>
  rule.ID === idleRuleId || !!rule.ID?.startsWith(unitRulePrefix);

/**
 * Whether S3 replication was meant to carry the key: a rule covers it, or the rules are kept per
 * unit and the unit's own is not there yet (a unit made, or turned native, since the monitor's last
 * pass). A version of such a key with no replication status is one S3 missed. With no rules, or
 * the deployed ones turned off, replication was stopped on purpose, and the monitor's RPO shows it.
 */
export const meantForS3Replication = (rules: VaultReplicationRule[] | undefined, key: string) =>
  coveredBy(rules, key) || (rules ?? []).some(keptPerUnit);

const enabledPrefixes = (rules: VaultReplicationRule[]) =>
  rules
    .filter((rule) => rule.Status === "Enabled")
    .map(prefixOf)
    .sort();

export type RulesChange =
  | { change: "none" }
  | { change: "put"; rules: VaultReplicationRule[] }
  /** More native units than S3 has rules for: the vault keeps replicating everything natively. */
  | { change: "too-many"; nativeUnits: number };

/**
 * The rules that let S3 replicate exactly the units on the native transport (D-42): one rule for
 * the whole vault while no unit is managed, else one rule per native unit's prefix, so that a
 * managed unit's objects wait for the replicator and its transfer window. Rules are rebuilt from
 * the first existing one, so the destination, key and replication time control stay as deployed.
 */
export function vaultRulesFor(
  current: VaultReplicationRule[],
  units: { tenantId: string; transport: "native" | "managed" }[],
): RulesChange {
  const template = current[0];
  if (!template) return { change: "none" };
  const { ID: _id, Priority: _priority, Prefix: _prefix, Filter: _filter, ...destination } = template;
  const rule = (id: string, priority: number, prefix: string): VaultReplicationRule => ({
    ...destination,
    ID: id,
    Priority: priority,
    Status: "Enabled",
    Filter: { Prefix: prefix },
    DeleteMarkerReplication: { Status: "Disabled" },
  });
  const managed = units.some((unit) => unit.transport === "managed");
  const native = units
    .filter((unit) => unit.transport === "native")
    .map((unit) => unit.tenantId)
    .sort();
  if (managed && native.length > maxReplicationRules)
    return { change: "too-many", nativeUnits: native.length };
  const wanted = managed
    ? native.map((tenantId, i) => rule(`${unitRulePrefix}${tenantId}`, i + 1, `tenants/${tenantId}/`))
    : [rule("vault", 0, "")];
  const same = JSON.stringify(enabledPrefixes(current)) === JSON.stringify(enabledPrefixes(wanted));
  // With no native unit left, S3 wants at least one rule: a disabled one keeps the configuration.
  if (wanted.length === 0) {
    const idle = { ...rule(idleRuleId, 0, "tenants/none/"), Status: "Disabled" };
    return current.length === 1 && current[0]?.Status === "Disabled"
      ? { change: "none" }
      : { change: "put", rules: [idle] };
  }
  return same ? { change: "none" } : { change: "put", rules: wanted };
}
