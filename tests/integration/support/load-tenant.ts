import { call, signIn } from "./api.ts";
import { policy, system } from "./bodies.ts";
import type { MixEntry } from "./load.ts";
import { addUser, seedTenantUser } from "./seed.ts";

const password = "Load-Bench-Passw0rd-2026";

/**
 * A unit as the load runs see it: an administrator's one session (shared by every client, as one
 * busy console tab would), an operator who signs in again and again, and systems with policies.
 */
export async function loadTenant(systemCount = 6) {
  const seeded = await seedTenantUser({ password, roles: ["tenant-admin"] });
  const operator = await addUser(seeded.tenant.tenantId, "tenant-operator", password);
  const admin = await signIn(seeded.user.userName, password);
  const systemIds: string[] = [];
  for (let i = 0; i < systemCount; i++) {
    const created = await call("POST", "/systems", { token: admin.token, body: system(`负载系统${i}`) });
    if (created.status !== 201) throw new Error(`could not create a system: ${JSON.stringify(created)}`);
    const systemId = created.body.systemId as string;
    const withPolicy = await call("PUT", `/systems/${systemId}/policy`, {
      token: admin.token,
      body: policy({ kind: "every", minutes: 30 }),
    });
    if (withPolicy.status !== 200) throw new Error(`could not set a policy: ${JSON.stringify(withPolicy)}`);
    systemIds.push(systemId);
  }
  return {
    ...seeded,
    adminToken: admin.token,
    operator: { userName: operator.userName, password },
    systemIds,
  };
}

type LoadTenant = Awaited<ReturnType<typeof loadTenant>>;

/**
 * Reads, writes that race each other (every client edits the same few systems, so some lose with
 * 409 STALE_VERSION), and sign-ins of one user. Weights: 35/20/15/20/10.
 */
export function realisticMix(unit: LoadTenant): MixEntry[] {
  const anySystem = () => unit.systemIds[Math.floor(Math.random() * unit.systemIds.length)] as string;
  const token = unit.adminToken;
  return [
    { weight: 35, request: () => ({ kind: "list", method: "GET", path: "/systems?limit=25", token }) },
    { weight: 20, request: () => ({ kind: "get", method: "GET", path: `/systems/${anySystem()}`, token }) },
    {
      weight: 15,
      request: () => ({ kind: "policy", method: "GET", path: `/systems/${anySystem()}/policy`, token }),
    },
    {
      weight: 20,
      request: () => ({
        kind: "update",
        method: "PUT",
        path: `/systems/${anySystem()}`,
        token,
        body: system(`负载系统-${Math.floor(Math.random() * 1000)}`),
      }),
    },
    {
      weight: 10,
      request: () => ({ kind: "sign-in", method: "POST", path: "/auth/login", body: unit.operator }),
    },
  ];
}
