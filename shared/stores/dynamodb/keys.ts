import { type User, userSchema } from "../../identity/user.ts";

/** Key layout of the Tenants table (pk/sk + gsi1), in one place. */
export const keys = {
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: "PROFILE" }),
  tenantByStatus: (status: string, createdAt: string, tenantId: string) => ({
    gsi1pk: `TENANT_STATUS#${status}`,
    gsi1sk: `${createdAt}#${tenantId}`,
  }),
  creditCode: (code: string) => ({ pk: `CREDIT_CODE#${code.toUpperCase()}`, sk: "UNIQUE" }),
  user: (tenantId: string, userId: string) => ({ pk: `TENANT#${tenantId}`, sk: `USER#${userId}` }),
  userName: (userName: string) => ({ pk: `USER_NAME#${userName.toLowerCase()}`, sk: "UNIQUE" }),
  session: (sid: string) => ({ pk: `SESSION#${sid}`, sk: "SESSION" }),
  identitySettings: () => ({ pk: "PLATFORM", sk: "SETTINGS#IDENTITY" }),
  /** Global, because an agent signing in presents only its key id; every use checks the tenant. */
  agentKey: (keyId: string) => ({ pk: `AGENT_KEY#${keyId}`, sk: "AGENT_KEY" }),
  agentKeysOfSystem: (tenantId: string, systemId: string) => `AGENT_KEYS#${tenantId}#${systemId}`,
};

/**
 * The items that create a user: its record and the platform-wide user-name claim (R-IA-02), both
 * conditional on not existing yet, to be written in one transaction.
 */
export function newUserItems(tableName: string, user: User) {
  return [
    putIfAbsent(tableName, { ...keys.userName(user.userName), tenantId: user.tenantId, userId: user.userId }),
    putIfAbsent(tableName, { ...keys.user(user.tenantId, user.userId), ...userSchema.parse(user) }),
  ];
}

/** A transaction item that creates `item`, failing the transaction if its key exists already. */
export const putIfAbsent = (tableName: string, item: Record<string, unknown>) => ({
  Put: { TableName: tableName, Item: item, ConditionExpression: "attribute_not_exists(pk)" },
});

export const isConditionFailure = (error: unknown) =>
  ["ConditionalCheckFailedException", "TransactionCanceledException"].includes((error as Error).name);

/** Why each item of a cancelled transaction failed, in item order ("None" where it did not). */
export const cancellationReasons = (error: unknown): string[] =>
  ((error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map(
    (reason) => reason.Code ?? "None",
  );
