/*
 * One contract per store interface, run against the in-memory fakes (tests/unit/stores/) and the
 * DynamoDB adapters on the emulator (tests/integration/), so the fakes unit tests rely on are proven
 * to behave like the real adapters.
 */
import { agentKeyStoreContract } from "./agent-key-store.ts";
import { drillStoreContract } from "./drill-store.ts";
import { identitySettingsStoreContract } from "./identity-settings-store.ts";
import { replicationCheckStoreContract } from "./replication-checks.ts";
import { sessionStoreContract } from "./session-store.ts";
import { snapshotCatalogContract } from "./snapshot-catalog.ts";
import { subscriptionStoreContract } from "./subscription-store.ts";
import { systemStoreContract } from "./system-store.ts";
import { tenantStoreContract } from "./tenant-store.ts";
import { userStoreContract } from "./user-store.ts";

type Maker<Contract extends (name: string, make: never) => void> = Parameters<Contract>[1];

/** How one implementation makes each of its stores, fresh for a test. */
export interface StoreMakers {
  tenants: Maker<typeof tenantStoreContract>;
  users: Maker<typeof userStoreContract>;
  sessions: Maker<typeof sessionStoreContract>;
  systems: Maker<typeof systemStoreContract>;
  agentKeys: Maker<typeof agentKeyStoreContract>;
  snapshots: Maker<typeof snapshotCatalogContract>;
  drills: Maker<typeof drillStoreContract>;
  replicationChecks: Maker<typeof replicationCheckStoreContract>;
  subscriptions: Maker<typeof subscriptionStoreContract>;
  identitySettings: Maker<typeof identitySettingsStoreContract>;
}

/** Every store contract, against one implementation's stores. */
export function storeContracts(name: string, make: StoreMakers): void {
  tenantStoreContract(name, make.tenants);
  userStoreContract(name, make.users);
  sessionStoreContract(name, make.sessions);
  systemStoreContract(name, make.systems);
  agentKeyStoreContract(name, make.agentKeys);
  snapshotCatalogContract(name, make.snapshots);
  drillStoreContract(name, make.drills);
  replicationCheckStoreContract(name, make.replicationChecks);
  subscriptionStoreContract(name, make.subscriptions);
  identitySettingsStoreContract(name, make.identitySettings);
}
