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
};

export const isConditionFailure = (error: unknown) =>
  ["ConditionalCheckFailedException", "TransactionCanceledException"].includes((error as Error).name);
