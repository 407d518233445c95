import { z } from "zod";

export const roles = [
  "platform-admin",
  "security-admin",
  "platform-auditor",
  "tenant-admin",
  "tenant-operator",
  "tenant-auditor",
] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/**
 * A backup agent is not a person: it signs in with a system's agent key (POST /auth/agent-token) and
 * may only register and read that one system's snapshots. No user can be given this role.
 */
export const agentRole = "backup-agent";
export const principalRoleSchema = z.enum([...roles, agentRole]);
export type PrincipalRole = z.infer<typeof principalRoleSchema>;

export const platformRoles: readonly PrincipalRole[] = [
  "platform-admin",
  "security-admin",
  "platform-auditor",
];
export const isPlatformRole = (role: PrincipalRole) => platformRoles.includes(role);

/**
 * Role pairs one person may never hold together (R-IA-10, 三权分立): system administration, security
 * administration and audit are separate; whoever changes DR policies or runs operations cannot also
 * be the one who reviews the evidence.
 */
const exclusivePairs: [Role, Role][] = [
  ["platform-admin", "security-admin"],
  ["platform-admin", "platform-auditor"],
  ["security-admin", "platform-auditor"],
  ["tenant-admin", "tenant-auditor"],
  ["tenant-operator", "tenant-auditor"],
];

export interface RoleConflict {
  code: "SEPARATION_OF_DUTIES" | "MIXED_SCOPE" | "NO_ROLE";
  roles: Role[];
  message: { zh: string; en: string };
}

/** Why a set of roles cannot be given to one user; empty when it can. */
export function roleConflicts(assigned: readonly Role[]): RoleConflict[] {
  const set = [...new Set(assigned)];
  if (set.length === 0) {
    return [
      {
        code: "NO_ROLE",
        roles: [],
        message: { zh: "用户至少需要一个角色。", en: "A user needs at least one role." },
      },
    ];
  }
  const conflicts: RoleConflict[] = exclusivePairs
    .filter(([a, b]) => set.includes(a) && set.includes(b))
    .map(([a, b]) => ({
      code: "SEPARATION_OF_DUTIES",
      roles: [a, b],
      message: {
        zh: `根据三权分立要求，同一用户不能同时担任 ${a} 与 ${b}。`,
        en: `Separation of duties: one user cannot hold both ${a} and ${b}.`,
      },
    }));
  if (set.some(isPlatformRole) && !set.every(isPlatformRole)) {
    conflicts.push({
      code: "MIXED_SCOPE",
      roles: set,
      message: {
        zh: "平台角色与租户角色不能授予同一用户。",
        en: "Platform roles and tenant roles cannot be given to the same user.",
      },
    });
  }
  return conflicts;
}
