import type { StoredIdentitySettings } from "../../../../shared/identity/settings-store.ts";
import type { publicUser } from "../../../../shared/identity/user.ts";
import type { Subscription } from "../../../../shared/notifications/subscription.ts";
import type { Tenant } from "../../../../shared/tenants/tenant.ts";
import type { Page } from "../../api/client.ts";

/** A user as GET /users shows it (no hash, no MFA secret): shared/identity/user.ts `publicUser`. */
export type PublicUser = ReturnType<typeof publicUser>;

/** A new user or a reset password: the one-time password is in this answer only. */
export interface UserWithPassword {
  user: PublicUser;
  oneTimePassword: string;
}

/** What the admin pages' routes answer (functions/api/users.ts, tenants.ts, notifications.ts). */
export interface AdminResponses {
  "GET /users": Page<PublicUser>;
  "POST /users": UserWithPassword;
  "PUT /users/{userId}/roles": PublicUser;
  "POST /users/{userId}/disable": PublicUser;
  "POST /users/{userId}/enable": PublicUser;
  "POST /users/{userId}/password-reset": UserWithPassword;
  "GET /identity/settings": StoredIdentitySettings;
  "PUT /identity/settings": StoredIdentitySettings;
  "GET /tenants": Page<Tenant>;
  "POST /tenants/{tenantId}/approve": Tenant;
  "POST /tenants/{tenantId}/reject": Tenant;
  "POST /tenants/{tenantId}/suspend": Tenant;
  "POST /tenants/{tenantId}/resume": Tenant;
  "POST /tenants/{tenantId}/exit": Tenant;
  "PUT /tenants/{tenantId}/ip-allow-list": Tenant;
  "PUT /tenants/{tenantId}/site-rules": Tenant;
  "GET /notifications/subscriptions": Page<Subscription>;
  "POST /notifications/subscriptions": Subscription;
  "POST /notifications/subscriptions/{subscriptionId}/remove": Subscription;
}
