import { MemoryStores } from "../../support/memory-stores.ts";
import { storeContracts } from "../../support/store-contracts/index.ts";

// The fakes of tests/support/memory-stores.ts against the store contracts; the DynamoDB adapters
// meet the same contracts in tests/integration/dynamodb-store-contracts.test.ts.
const memory = () => new MemoryStores();

storeContracts("in memory", {
  tenants: async () => {
    const stores = memory();
    return { store: stores.tenants, users: stores.users };
  },
  users: async () => ({ store: memory().users }),
  sessions: async () => ({ store: memory().sessions }),
  systems: async () => ({ store: memory().systems }),
  agentKeys: async () => ({ store: memory().agentKeys }),
  snapshots: async () => ({ store: memory().snapshots }),
  drills: async () => ({ store: memory().drills }),
  replicationChecks: async () => ({ store: memory().replicationChecks }),
  subscriptions: async () => ({ store: memory().subscriptions }),
  identitySettings: async () => ({ store: memory().identitySettings }),
});
