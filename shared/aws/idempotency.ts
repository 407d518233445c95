import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { idempotentRunner } from "../lambda/idempotency.ts";

/** Idempotency records in their own table (key `id`, TTL `expiration`: Powertools' defaults). */
export function awsIdempotency(tableName: string) {
  return idempotentRunner(
    new DynamoDBPersistenceLayer({ tableName, awsSdkV3Client: new DynamoDBClient({}) }),
  );
}
