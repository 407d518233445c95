import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Role } from "../../../shared/identity/roles.ts";
import { DynamoDbAuditLog } from "../../../shared/stores/dynamodb/audit-log.ts";
import { DynamoDbTenantStore } from "../../../shared/stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../../../shared/stores/dynamodb/user-store.ts";
import { makeTenant, makeUser } from "../../support/identity-fixtures.ts";
import { call, signIn } from "./api.ts";
import { clientConfig, localStack, uniqueName } from "./emulator.ts";

export function deployedStores() {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const { tenantsTable, auditTable } = localStack();
  return {
    tenants: new DynamoDbTenantStore(db, tenantsTable),
    users: new DynamoDbUserStore(db, tenantsTable),
    audit: new DynamoDbAuditLog(db, auditTable),
  };
}

/** An active tenant with one user, written straight into the deployed tables. */
export async function seedTenantUser(options: {
  password: string;
  roles: Role[];
  mustChangePassword?: boolean;
}) {
  const stores = deployedStores();
  const now = new Date();
  const tenant = makeTenant(now, "active");
  const user = await makeUser({
    tenantId: tenant.tenantId,
    userName: uniqueName("user").replace("-", "."),
    at: now,
    ...options,
  });
  await stores.tenants.register(tenant, user);
  return { tenant, user, stores };
}

/** One more user of the tenant (or "platform") with `role`, written straight into the deployed table. */
export async function addUser(tenantId: string, role: Role, password: string) {
  const user = await makeUser({
    tenantId,
    userName: uniqueName(role.split("-").at(-1) ?? role).replace("-", "."),
    password,
    roles: [role],
    at: new Date(),
  });
  await deployedStores().users.create(user);
  return user;
}

const seedPassword = "Audit-Review-2026!";

/** An active tenant with a signed-in administrator and a signed-in tenant auditor. */
export async function tenantWithAuditor() {
  const seeded = await seedTenantUser({ password: seedPassword, roles: ["tenant-admin"] });
  const auditor = await addUser(seeded.tenant.tenantId, "tenant-auditor", seedPassword);
  return {
    ...seeded,
    admin: await signIn(seeded.user.userName, seedPassword),
    auditor: await signIn(auditor.userName, seedPassword),
  };
}

/** A signed-in platform user (platform-admin, security-admin or platform-auditor). */
export async function platformUser(role: "platform-admin" | "security-admin" | "platform-auditor") {
  const user = await addUser("platform", role, seedPassword);
  return { user, ...(await signIn(user.userName, seedPassword)) };
}

/** A new agent key for the system (created by its tenant-admin) and the agent's signed-in session. */
export async function agentOf(adminToken: string, systemId: string) {
  const created = await call("POST", `/systems/${systemId}/agent-keys`, {
    token: adminToken,
    body: { name: "db01 agent" },
  });
  if (created.status !== 201) throw new Error(`agent key: ${JSON.stringify(created)}`);
  const credential = created.body.credential as string;
  const [keyId, secret] = credential.split(".") as [string, string];
  const session = await call("POST", "/auth/agent-token", { body: { keyId, secret } });
  if (session.status !== 200) throw new Error(`agent sign-in: ${JSON.stringify(session)}`);
  return { keyId, credential, token: session.body.token as string };
}
