import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  type HeartbeatSample,
  type HeartbeatState,
  type HeartbeatTarget,
  heartbeatSampleSchema,
  heartbeatStateSchema,
  heartbeatTargetSchema,
} from "../../heartbeat/heartbeat.ts";
import type { HeartbeatHistory, HeartbeatStates, HeartbeatTargets } from "../../heartbeat/monitor.ts";
import { allItems, type Page } from "../page.ts";
import { putIfVersion, queryPage, storedItem } from "./operations.ts";

/** How long samples are kept (TTL on `expiresAt`). */
export const heartbeatKeptDays = 30;

/** Key layout of the heartbeat's items in the Policies table. */
export const heartbeatKeys = {
  /** One partition lists every target for the monitor: a Query, never a Scan. */
  targets: "HEARTBEAT_TARGETS",
  target: (tenantId: string, systemId: string) => ({
    pk: "HEARTBEAT_TARGETS",
    sk: `${tenantId}#${systemId}`,
  }),
  state: (tenantId: string, systemId: string) => ({
    pk: `TENANT#${tenantId}`,
    sk: `HEARTBEAT_STATE#${systemId}`,
  }),
  statePrefix: "HEARTBEAT_STATE#",
  samplePrefix: (systemId: string) => `HEARTBEAT#${systemId}#`,
};

const withoutExpiry = ({ expiresAt: _expires, ...rest }: Record<string, unknown>) => rest;

/** The monitor's registry of targets. */
export class DynamoDbHeartbeatTargets implements HeartbeatTargets {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  list(): AsyncIterable<HeartbeatTarget> {
    return allItems((page) => this.page(page));
  }

  /** One page of the registry, in tenant and system order. */
  page(page: { limit: number; cursor?: string }): Promise<Page<HeartbeatTarget>> {
    return queryPage(
      this.db,
      { tableName: this.tableName, key: "pk", value: heartbeatKeys.targets },
      page,
      (item) => storedItem(heartbeatTargetSchema, this.tableName, item),
    );
  }

  async get(tenantId: string, systemId: string): Promise<HeartbeatTarget | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: heartbeatKeys.target(tenantId, systemId) }),
    );
    return Item ? storedItem(heartbeatTargetSchema, this.tableName, Item) : undefined;
  }

  async put(target: HeartbeatTarget): Promise<void> {
    const valid = heartbeatTargetSchema.parse(target);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...heartbeatKeys.target(valid.tenantId, valid.systemId), ...valid },
      }),
    );
  }

  async remove(tenantId: string, systemId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: heartbeatKeys.target(tenantId, systemId) }),
    );
  }
}

/** Each system's heartbeat state, in its tenant's partition, written with optimistic versions. */
export class DynamoDbHeartbeatStates implements HeartbeatStates {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, systemId: string): Promise<HeartbeatState | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: heartbeatKeys.state(tenantId, systemId),
        ConsistentRead: true,
      }),
    );
    return Item ? storedItem(heartbeatStateSchema, this.tableName, Item) : undefined;
  }

  async put(state: HeartbeatState): Promise<void> {
    const valid = heartbeatStateSchema.parse(state);
    await putIfVersion(
      this.db,
      this.tableName,
      { ...heartbeatKeys.state(valid.tenantId, valid.systemId), ...valid },
      `The heartbeat state of ${valid.systemId}`,
    );
  }

  listFor(tenantId: string, page: { limit: number; cursor?: string }): Promise<Page<HeartbeatState>> {
    return queryPage(
      this.db,
      {
        tableName: this.tableName,
        key: "pk",
        value: `TENANT#${tenantId}`,
        skPrefix: heartbeatKeys.statePrefix,
      },
      page,
      (item) => storedItem(heartbeatStateSchema, this.tableName, item),
    );
  }
}

/** Every probe, in the tenant's partition sorted by time, expiring after 30 days by TTL. */
export class DynamoDbHeartbeatHistory implements HeartbeatHistory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async record(sample: HeartbeatSample): Promise<void> {
    const valid = heartbeatSampleSchema.parse(sample);
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `TENANT#${valid.tenantId}`,
          sk: `${heartbeatKeys.samplePrefix(valid.systemId)}${valid.at}`,
          ...valid,
          expiresAt: Math.ceil(Date.parse(valid.at) / 1000) + heartbeatKeptDays * 86_400,
        },
      }),
    );
  }

  list(
    tenantId: string,
    systemId: string,
    page: { limit: number; cursor?: string },
  ): Promise<Page<HeartbeatSample>> {
    return queryPage(
      this.db,
      {
        tableName: this.tableName,
        key: "pk",
        value: `TENANT#${tenantId}`,
        skPrefix: heartbeatKeys.samplePrefix(systemId),
        descending: true,
      },
      page,
      (item) => storedItem(heartbeatSampleSchema, this.tableName, withoutExpiry(item)),
    );
  }
}
