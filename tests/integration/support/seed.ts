import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbAuditLog } from "../../../shared/audit/dynamodb-audit-log.ts";
import type { Role } from "../../../shared/identity/roles.ts";
import { DynamoDbTenantStore } from "../../../shared/stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../../../shared/stores/dynamodb/user-store.ts";
import { makeTenant, makeUser } from "../../support/identity-fixtures.ts";
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
