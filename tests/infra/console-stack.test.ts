import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import vm from "node:vm";
import { App, Stack } from "aws-cdk-lib";
import { Annotations, Match, Template } from "aws-cdk-lib/assertions";
import { MockIntegration, RestApi } from "aws-cdk-lib/aws-apigateway";
import { CachePolicy, OriginRequestPolicy } from "aws-cdk-lib/aws-cloudfront";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locallyDeployedStacks } from "../../cli/local-stack/deploy.ts";
import { createGovdrApp, featureFlags } from "../../infra/app.ts";
import { defaultDeploymentConfig } from "../../infra/config.ts";
import { stackNames } from "../../infra/names.ts";
import {
  apiPrefixFunctionCode,
  ConsoleStack,
  consoleContentSecurityPolicy,
  spaRewriteFunctionCode,
} from "../../infra/stacks/console-stack.ts";

/** A stand-in for the Vite build (web/dist): index.html and one hashed asset. */
function fakeConsoleBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "govdr-console-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(
    path.join(dir, "index.html"),
    '<!doctype html><script type="module" src="/assets/index-1a2b3c.js">',
  );
  writeFileSync(path.join(dir, "assets", "index-1a2b3c.js"), "export {};\n");
  return dir;
}

/** Synthesizes the whole app (cdk-nag included) with the console taken from `consoleAssetDir`. */
function synth(consoleAssetDir: string) {
  const outdir = mkdtempSync(path.join(tmpdir(), "govdr-synth-"));
  const built = createGovdrApp({ outdir, consoleAssetDir });
  built.app.synth();
  const report = JSON.parse(readFileSync(path.join(outdir, "validation-report.json"), "utf8")) as {
    pluginReports: { pluginName: string; conclusion: string; violations: unknown[] }[];
  };
  return { ...built, template: Template.fromStack(built.stacks.console), report };
}

type Synth = ReturnType<typeof synth>;
type Handler = (event: { request: { uri: string; querystring?: Record<string, unknown> } }) => {
  uri: string;
  querystring?: Record<string, unknown>;
};

/** Evaluates a CloudFront Function's source as CloudFront would: a top-level `handler(event)`. */
function handlerOf(code: string): Handler {
  return vm.runInNewContext(`${code}\nhandler;`) as Handler;
}

const consoleDir = fakeConsoleBuild();
const missingDir = path.join(consoleDir, "not-built");
let built: Synth;
let unbuilt: Synth;

beforeAll(() => {
  built = synth(consoleDir);
  unbuilt = synth(missingDir);
});
afterAll(() => rmSync(consoleDir, { recursive: true, force: true }));

describe("console bucket", () => {
  it("is private, TLS-only, S3-encrypted, versioned, access-logged and retained in production", () => {
    built.template.hasResource("AWS::S3::Bucket", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
        },
        VersioningConfiguration: { Status: "Enabled" },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: "console/" },
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      }),
    });
  });

  it("is readable only by this distribution, through origin access control", () => {
    const t = built.template;
    const bucketId = Object.entries(t.findResources("AWS::S3::Bucket")).find(
      ([, r]) => (r.Properties as { LoggingConfiguration?: unknown }).LoggingConfiguration,
    )?.[0];
    const [policy] = Object.values(
      t.findResources("AWS::S3::BucketPolicy", { Properties: { Bucket: { Ref: bucketId } } }),
    );
    const statements = policy?.Properties.PolicyDocument.Statement as {
      Effect: string;
      Principal: unknown;
      Action: unknown;
      Condition?: unknown;
    }[];
    const allows = statements.filter((s) => s.Effect === "Allow");
    expect(allows).toEqual([
      expect.objectContaining({
        Action: "s3:GetObject",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Condition: { StringEquals: { "AWS:SourceArn": expect.anything() } },
      }),
    ]);
    expect(JSON.stringify(allows[0]?.Condition)).toContain(
      JSON.stringify({ Ref: Object.keys(t.findResources("AWS::CloudFront::Distribution"))[0] }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
    t.resourceCountIs("AWS::CloudFront::CloudFrontOriginAccessIdentity", 0);
    t.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: {
        OriginAccessControlOriginType: "s3",
        SigningBehavior: "always",
        SigningProtocol: "sigv4",
      },
    });
  });
});

describe("console distribution", () => {
  const distribution = () =>
    Object.values(built.template.findResources("AWS::CloudFront::Distribution"))[0]?.Properties
      .DistributionConfig as Record<string, unknown> & {
      DefaultCacheBehavior: Record<string, unknown>;
      CacheBehaviors: Record<string, unknown>[];
      Origins: Record<string, unknown>[];
    };
  const functionIds = () => {
    const functions = built.template.findResources("AWS::CloudFront::Function");
    const byCode = (code: string) =>
      Object.entries(functions).find(([, f]) => f.Properties.FunctionCode === code)?.[0];
    return { spa: byCode(spaRewriteFunctionCode), api: byCode(apiPrefixFunctionCode) };
  };

  it("serves the bucket by default: HTTPS (redirect), compressed, cached, index.html at the root", () => {
    const config = distribution();
    expect(config.DefaultRootObject).toBe("index.html");
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: "redirect-to-https",
      Compress: true,
      CachePolicyId: CachePolicy.CACHING_OPTIMIZED.cachePolicyId,
      AllowedMethods: ["GET", "HEAD"],
      FunctionAssociations: [
        { EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": [functionIds().spa, "FunctionARN"] } },
      ],
    });
    const bucketOrigin = config.Origins.find((o) => o.Id === config.DefaultCacheBehavior.TargetOriginId);
    expect(bucketOrigin).toMatchObject({
      OriginAccessControlId: { "Fn::GetAtt": [expect.any(String), "Id"] },
      S3OriginConfig: { OriginAccessIdentity: "" },
    });
    expect(config.Logging).toMatchObject({ Prefix: "cloudfront/" });
  });

  it("sends /api/* to the API stage uncached, with every viewer header but Host, all methods, /api stripped", () => {
    const config = distribution();
    expect(config.CacheBehaviors).toHaveLength(1);
    const api = config.CacheBehaviors[0] as Record<string, unknown>;
    expect(api).toMatchObject({
      PathPattern: "/api/*",
      ViewerProtocolPolicy: "https-only",
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
      FunctionAssociations: [
        { EventType: "viewer-request", FunctionARN: { "Fn::GetAtt": [functionIds().api, "FunctionARN"] } },
      ],
    });
    expect([...(api.AllowedMethods as string[])].sort()).toEqual(
      ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"].sort(),
    );
    const origin = config.Origins.find((o) => o.Id === api.TargetOriginId) as Record<string, unknown>;
    expect(origin.CustomOriginConfig).toEqual({
      OriginProtocolPolicy: "https-only",
      OriginSSLProtocols: ["TLSv1.2"],
    });
    const domain = JSON.stringify(origin.DomainName);
    expect(domain).toContain(".execute-api.cn-north-1.");
    expect(domain).toContain("Fn::ImportValue");
    expect(JSON.stringify(origin.OriginPath)).toMatch(/"\/".*DeploymentStagev1/);
  });

  it("has no custom error responses, so the API's own JSON 403/404 answers reach the console", () => {
    expect(distribution().CustomErrorResponses).toBeUndefined();
  });

  it("answers with strict security headers, the console's CSP among them", () => {
    const headers = () => ({
      SecurityHeadersConfig: {
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 63_072_000,
          IncludeSubdomains: true,
          Override: true,
        },
        ContentTypeOptions: { Override: true },
        FrameOptions: { FrameOption: "DENY", Override: true },
        ReferrerPolicy: { ReferrerPolicy: "no-referrer", Override: true },
        ContentSecurityPolicy: { ContentSecurityPolicy: consoleContentSecurityPolicy, Override: true },
        XSSProtection: { Protection: false, Override: true },
      },
    });
    built.template.hasResourceProperties("AWS::CloudFront::ResponseHeadersPolicy", {
      ResponseHeadersPolicyConfig: Match.objectLike(headers()),
    });
    expect(consoleContentSecurityPolicy).toBe(
      "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
    );
    const config = distribution();
    const policyRef = {
      Ref: Object.keys(built.template.findResources("AWS::CloudFront::ResponseHeadersPolicy"))[0],
    };
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual(policyRef);
    expect(config.CacheBehaviors[0]?.ResponseHeadersPolicyId).toEqual(policyRef);
  });

  it("outputs the console's https URL", () => {
    const distributionId = Object.keys(built.template.findResources("AWS::CloudFront::Distribution"))[0];
    built.template.hasOutput("ConsoleUrl", {
      Value: { "Fn::Join": ["", ["https://", { "Fn::GetAtt": [distributionId, "DomainName"] }]] },
    });
  });
});

describe("CloudFront Functions", () => {
  it("are both deployed as viewer-request functions on the cloudfront-js-2.0 runtime", () => {
    const functions = Object.values(built.template.findResources("AWS::CloudFront::Function"));
    expect(functions.map((f) => f.Properties.FunctionCode).sort()).toEqual(
      [apiPrefixFunctionCode, spaRewriteFunctionCode].sort(),
    );
    for (const f of functions) {
      expect(f.Properties.FunctionConfig).toMatchObject({ Runtime: "cloudfront-js-2.0" });
      expect(f.Properties.AutoPublish).toBe(true);
    }
  });

  it("rewrite client routes (no file extension) to /index.html and leave files alone", () => {
    const rewrite = handlerOf(spaRewriteFunctionCode);
    const uri = (u: string) => rewrite({ request: { uri: u } }).uri;

    expect(uri("/systems/s-1")).toBe("/index.html");
    expect(uri("/systems/s-abc123def456")).toBe("/index.html");
    expect(uri("/")).toBe("/index.html");
    expect(uri("/audit/")).toBe("/index.html");
    expect(uri("/assets/x.js")).toBe("/assets/x.js");
    expect(uri("/assets/index-1a2b3c.css")).toBe("/assets/index-1a2b3c.css");
    expect(uri("/favicon.svg")).toBe("/favicon.svg");
    expect(uri("/index.html")).toBe("/index.html");
  });

  it("strip the /api prefix and keep the query string", () => {
    const strip = handlerOf(apiPrefixFunctionCode);
    const querystring = { limit: { value: "10" } };

    expect(strip({ request: { uri: "/api/systems", querystring } })).toEqual({
      uri: "/systems",
      querystring,
    });
    expect(strip({ request: { uri: "/api/systems/s-1/drills" } }).uri).toBe("/systems/s-1/drills");
    expect(strip({ request: { uri: "/api/" } }).uri).toBe("/");
    expect(strip({ request: { uri: "/api" } }).uri).toBe("/");
    expect(strip({ request: { uri: "/apis/x" } }).uri).toBe("/apis/x");
  });
});

describe("console deployment", () => {
  it("uploads a built console, hashed assets first, then index.html with a /* invalidation", () => {
    const t = built.template;
    t.resourceCountIs("Custom::CDKBucketDeployment", 2);
    const deployments = t.findResources("Custom::CDKBucketDeployment");
    const [assetsId, assets] = Object.entries(deployments).find(([, d]) =>
      (d.Properties.Include as string[] | undefined)?.includes("assets/*"),
    ) as [string, { Properties: Record<string, unknown> }];
    expect(assets.Properties).toMatchObject({
      Exclude: ["*"],
      Prune: false,
      SystemMetadata: { "cache-control": "public, max-age=31536000, immutable" },
    });
    t.hasResource("Custom::CDKBucketDeployment", {
      Properties: Match.objectLike({
        Exclude: ["assets/*"],
        Prune: false,
        SystemMetadata: { "cache-control": "no-cache" },
        DistributionId: { Ref: Match.stringLikeRegexp("^Distribution") },
        DistributionPaths: ["/*"],
      }),
      DependsOn: Match.arrayWith([assetsId]),
    });
    expect(built.stacks.console.deployedAssetDir).toBe(consoleDir);
    Annotations.fromStack(built.stacks.console).hasNoWarning(
      "*",
      Match.stringLikeRegexp("console is not built"),
    );
  });

  it("runs CDK's upload Lambda with its own role that logs only to its own log group", () => {
    const t = built.template;
    const [fn] = Object.values(t.findResources("AWS::Lambda::Function"));
    expect(fn?.Properties.Role).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^DeploymentRole/), "Arn"] });
    for (const role of Object.values(t.findResources("AWS::IAM::Role"))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  it("is skipped with a warning when the console is not built, and the stack still synthesizes", () => {
    unbuilt.template.resourceCountIs("Custom::CDKBucketDeployment", 0);
    unbuilt.template.resourceCountIs("AWS::Lambda::Function", 0);
    unbuilt.template.resourceCountIs("AWS::CloudFront::Distribution", 1);
    expect(unbuilt.stacks.console.deployedAssetDir).toBeUndefined();
    Annotations.fromStack(unbuilt.stacks.console).hasWarning(
      "*",
      Match.stringLikeRegexp("console is not built.*Run the console build first"),
    );
  });

  it("passes cdk-nag with or without the deployment (its CDK-made role and Lambda acknowledged)", () => {
    for (const { report } of [built, unbuilt]) {
      for (const plugin of report.pluginReports) {
        expect(plugin.violations, plugin.pluginName).toEqual([]);
        expect(plugin.conclusion, plugin.pluginName).toBe("success");
      }
    }
  });
});

describe("console stack placement", () => {
  it("is built in the primary region, after the API it fronts", () => {
    const stack = built.stacks.console;
    expect(stack.stackName).toBe(stackNames("prod").console);
    expect(stack.region).toBe(defaultDeploymentConfig.primaryRegion);
    expect(stack.dependencies).toContain(built.stacks.api);
  });

  it("is never deployed to the emulator, which has no CloudFront", () => {
    const { console: consoleStack, ...others } = stackNames("local");

    expect(locallyDeployedStacks()).not.toContain(consoleStack);
    expect(locallyDeployedStacks().sort()).toEqual(Object.values(others).sort());
  });

  it("warns that aws-cn CloudFormation lacks CloudFront Functions and OAC, and only there", () => {
    Annotations.fromStack(unbuilt.stacks.console).hasWarning(
      "*",
      Match.stringLikeRegexp("AWS::CloudFront::Function or AWS::CloudFront::OriginAccessControl"),
    );

    const app = new App({ context: featureFlags });
    const env = { account: "123456789012", region: "us-east-1" };
    const apiStack = new Stack(app, "Api", { env });
    const api = new RestApi(apiStack, "Api", { deployOptions: { stageName: "v1" } });
    api.root.addMethod("GET", new MockIntegration());
    const stack = new ConsoleStack(app, "Console", {
      env,
      config: { ...defaultDeploymentConfig, primaryRegion: "us-east-1", drRegion: "us-west-2" },
      api,
      consoleAssetDir: missingDir,
    });

    Annotations.fromStack(stack).hasNoWarning("*", Match.stringLikeRegexp("AWS::CloudFront::Function"));
    expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toContain("arn:aws-cn:");
  });

  it("attaches a WAF web ACL when one is given", () => {
    const app = new App({ context: featureFlags });
    const env = { account: "123456789012", region: "us-east-1" };
    const api = new RestApi(new Stack(app, "Api", { env }), "Api");
    api.root.addMethod("GET", new MockIntegration());
    const webAclArn = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/govdr-console/0123abcd";
    const stack = new ConsoleStack(app, "Console", {
      env,
      config: defaultDeploymentConfig,
      api,
      consoleAssetDir: missingDir,
      webAclArn,
    });

    Template.fromStack(stack).hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({ WebACLId: webAclArn }),
    });
  });
});
