import { readFileSync } from "node:fs";
import path from "node:path";
import type { Context } from "aws-lambda";

const eventsDir = path.resolve(import.meta.dirname, "..", "events");

/** A fixture event from tests/events/, typed by the caller. */
export function loadEvent<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(eventsDir, name), "utf8")) as T;
}

export function lambdaContext(functionName = "test-function"): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:cn-north-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: "req-0000-1111",
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "2026/11/21/[$LATEST]abcdef",
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Sets environment variables for one test and restores the previous values afterwards. */
export function withEnv(vars: Record<string, string | undefined>): () => void {
  const previous = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return () => {
    for (const [k, v] of Object.entries(previous)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
