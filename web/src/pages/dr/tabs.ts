import type { SystemTab } from "../page.ts";
import { AgentKeysTab } from "./agent-keys-tab.tsx";
import { BackupsTab } from "./backups-tab.tsx";
import { DrillsTab } from "./drills-tab.tsx";
import { ReplicationTab } from "./replication-tab.tsx";
import { SnapshotsTab } from "./snapshots-tab.tsx";

/** This group's tabs of a system's page: the DR work of one system. */
export const systemTabs: SystemTab[] = [
  {
    id: "snapshots",
    title: { zh: "快照", en: "Snapshots" },
    operation: "GET /systems/{systemId}/snapshots",
    order: 30,
    component: SnapshotsTab,
  },
  {
    id: "replication",
    title: { zh: "异地复制", en: "Replication" },
    operation: "GET /systems/{systemId}/replication",
    order: 40,
    component: ReplicationTab,
  },
  {
    id: "drills",
    title: { zh: "恢复演练", en: "Drills" },
    operation: "GET /systems/{systemId}/drills",
    order: 50,
    component: DrillsTab,
  },
  {
    id: "agent-keys",
    title: { zh: "备份代理密钥", en: "Agent keys" },
    operation: "GET /systems/{systemId}/agent-keys",
    order: 60,
    component: AgentKeysTab,
  },
  {
    id: "backups",
    title: { zh: "平台备份", en: "Backups" },
    operation: "GET /systems/{systemId}/backups",
    order: 70,
    component: BackupsTab,
  },
];
