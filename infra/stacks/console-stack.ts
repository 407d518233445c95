import { existsSync } from "node:fs";
import path from "node:path";
import {
  Annotations,
  CfnOutput,
  type CfnResource,
  Duration,
  Stack,
  type StackProps,
  Token,
  Validations,
} from "aws-cdk-lib";
import type { RestApi } from "aws-cdk-lib/aws-apigateway";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import { HttpOrigin, S3BucketOrigin } from "aws-cdk-lib/aws-cloudfront-origins";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup } from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import { Asset } from "aws-cdk-lib/aws-s3-assets";
import { BucketDeployment, CacheControl, Source } from "aws-cdk-lib/aws-s3-deployment";
import type { Construct } from "constructs";
import { acknowledgeNag } from "../acknowledge.ts";
import type { DeploymentConfig } from "../config.ts";
import { AccessLogBucket } from "../constructs/vault-bucket.ts";
import { projectRoot } from "../paths.ts";
import { type StageSettings, stageSettings } from "./stage-settings.ts";

/** Where Vite writes the console (web/vite.config.ts: `outDir: "dist"`). */
export const defaultConsoleAssetDir = path.join(projectRoot, "web", "dist");

/**
 * The console's Content-Security-Policy: everything from the console's own origin (the API is under
 * `/api` on it), images also as data: URLs (QR codes), inline styles for the chart library.
 */
export const consoleContentSecurityPolicy =
  "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'";

/**
 * Viewer-request function of the default (bucket) behaviour: a path whose last segment has no file
 * extension is a client route of the single-page app (`/systems/s-abc123def456`) and gets
 * `/index.html`; files (`/assets/index-3f2a.js`, `/favicon.svg`) pass unchanged. Kept to ES5 so it
 * runs in CloudFront's JavaScript runtime and, in the tests, in Node as is.
 */
export const spaRewriteFunctionCode = `function handler(event) {
  var request = event.request;
  var lastSegment = request.uri.substring(request.uri.lastIndexOf("/") + 1);
  if (lastSegment.indexOf(".") === -1) request.uri = "/index.html";
  return request;
}`;

/**
 * Viewer-request function of the `/api/*` behaviour: removes the `/api` prefix, so `GET /api/systems`
 * reaches the stage's `/systems` (the origin path adds the stage). Query string and headers are kept.
 */
export const apiPrefixFunctionCode = `function handler(event) {
  var request = event.request;
  if (request.uri === "/api") request.uri = "/";
  else if (request.uri.indexOf("/api/") === 0) request.uri = request.uri.substring(4);
  return request;
}`;

export interface ConsoleStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The control-plane REST API (ApiStack.api); `/api/*` goes to its deployment stage. */
  readonly api: RestApi;
  /** The built console (index.html + assets/); default web/dist. Missing: nothing is deployed, with a warning. */
  readonly consoleAssetDir?: string;
  /**
   * An AWS WAF web ACL (scope CLOUDFRONT) to attach to the distribution. Optional: WAF is not offered
   * in every targeted partition, so the operator attaches one where it exists (D-4, D-45).
   */
  readonly webAclArn?: string;
}

/**
 * The web console in the cloud (D-45): a private bucket read by CloudFront through origin access
 * control, and the API under `/api/*` on the same distribution, so the browser talks to one origin
 * (no CORS), exactly as the local console server (cli/console/server.ts) does.
 */
export class ConsoleStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** The console's address, `https://<distribution domain>`. */
  readonly url: string;
  /** The directory deployed, or undefined when it had no index.html at synthesis (nothing deployed). */
  readonly deployedAssetDir: string | undefined;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const settings = stageSettings(props.config);

    const accessLogs = new AccessLogBucket(this, "AccessLogs", {
      retentionDays: props.config.logRetentionDays,
      removalPolicy: settings.removalPolicy,
    });
    this.bucket = new s3.Bucket(this, "Bucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      versioned: true,
      // Old builds' versions are only needed to roll back for a while.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: accessLogs.bucket,
      serverAccessLogsPrefix: "console/",
      removalPolicy: settings.removalPolicy,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "govdr console: strict security headers",
      securityHeadersBehavior: {
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy, override: true },
        // The legacy XSS auditor is off ("0"), as current guidance recommends; the CSP protects instead.
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: "Permissions-Policy",
            value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            override: true,
          },
          { header: "Cross-Origin-Opener-Policy", value: "same-origin", override: true },
        ],
      },
      removeHeaders: ["Server"],
    });

    const spaRewrite = new cloudfront.Function(this, "SpaRewrite", {
      comment: "govdr console: client routes (paths without a file extension) get /index.html",
      code: cloudfront.FunctionCode.fromInline(spaRewriteFunctionCode),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });
    const apiPrefix = new cloudfront.Function(this, "ApiPrefix", {
      comment: "govdr console: /api/<path> reaches the API stage as /<path>",
      code: cloudfront.FunctionCode.fromInline(apiPrefixFunctionCode),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const apiOrigin = new HttpOrigin(
      `${props.api.restApiId}.execute-api.${Stack.of(props.api).region}.${this.urlSuffix}`,
      {
        originPath: `/${props.api.deploymentStage.stageName}`,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      },
    );

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "govdr web console and its API on one origin",
      defaultRootObject: "index.html",
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: accessLogs.bucket,
      logFilePrefix: "cloudfront/",
      webAclId: props.webAclArn,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        compress: true,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        functionAssociations: [
          { function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: {
        // No custom error responses anywhere: they would replace the API's JSON 403/404 answers.
        "/api/*": {
          origin: apiOrigin,
          // An API call over plain HTTP is refused, not redirected (a redirect would resend a POST as GET).
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // With caching disabled this forwards Authorization, cookies and the query string; Host must
          // stay the API's own, or API Gateway cannot route the request.
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
          functionAssociations: [
            { function: apiPrefix, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
          ],
        },
      },
    });
    this.url = `https://${this.distribution.distributionDomainName}`;

    const assetDir = path.resolve(props.consoleAssetDir ?? defaultConsoleAssetDir);
    this.deployedAssetDir = existsSync(path.join(assetDir, "index.html")) ? assetDir : undefined;
    if (this.deployedAssetDir) this.deploy(this.deployedAssetDir, settings);
    else {
      Annotations.of(this).addWarning(
        `The console is not built: ${assetDir} has no index.html, so this synthesis deploys no console files. Run the console build first (npx vite build --config web/vite.config.ts, which writes web/dist), then synthesize or deploy again.`,
      );
    }

    if (!Token.isUnresolved(this.region) && this.region.startsWith("cn-")) {
      // CDK's CloudFormation check (F3006) finds no AWS::CloudFront::Function or
      // AWS::CloudFront::OriginAccessControl in the aws-cn regions' resource schemas. Said once, here,
      // with what it means, instead of three bare validator warnings (D-45).
      const reason =
        "CloudFormation in the aws-cn partition lists no CloudFront Function or origin access control resource type; the Console stack warns that it cannot deploy there yet (D-45).";
      for (const construct of [spaRewrite, apiPrefix, this.distribution]) {
        Validations.of(construct).acknowledge({ id: "CloudFormation-Validate::F3006", reason });
      }
      Annotations.of(this).addWarning(
        `CloudFormation in ${this.region} has no AWS::CloudFront::Function or AWS::CloudFront::OriginAccessControl, so this stack cannot be deployed there as built; CloudFront in China also needs an ICP-registered domain and an IAM server certificate (docs/decisions.md D-45).`,
      );
    }

    new CfnOutput(this, "ConsoleUrl", { value: this.url, description: "The govdr web console" });
    new CfnOutput(this, "ConsoleBucketName", { value: this.bucket.bucketName });
    new CfnOutput(this, "DistributionId", { value: this.distribution.distributionId });

    acknowledgeNag(
      this.distribution,
      {
        id: "CFR1",
        reason:
          "The console serves government units wherever their staff sign in from; access is restricted by sign-in and per-unit IP allow-lists (D-19), not by country.",
      },
      ...(props.webAclArn
        ? []
        : [
            {
              id: "CFR2",
              reason:
                "No WAF web ACL was given (ConsoleStack webAclArn): AWS WAF is not offered in every targeted partition, so the operator attaches one per deployment where it exists (D-4, D-45).",
            },
          ]),
      {
        id: "CFR4",
        reason:
          "The distribution uses CloudFront's default certificate, with which CloudFront fixes the viewer security policy at TLSv1; a TLSv1.2 policy needs a custom domain and certificate, which the operator adds per deployment (D-45).",
      },
    );
  }

  /**
   * Uploads the console in two steps: first the hashed bundles under assets/ (cached for a year, old
   * ones kept so an open tab of the previous build still loads its chunks), then index.html and the
   * other unhashed files (revalidated on every load), and only then invalidates the distribution.
   */
  private deploy(assetDir: string, settings: StageSettings): void {
    const files = new Asset(this, "ConsoleFiles", { path: assetDir });
    const source = Source.bucket(files.bucket, files.s3ObjectKey);
    // CDK's handler Lambda gets its own role that may only log into its own log group (as GovdrFunction).
    const logGroup = new LogGroup(this, "DeploymentLogs", {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    const role = new Role(this, "DeploymentRole", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: "govdr console: CDK BucketDeployment handler (uploads the built console, invalidates)",
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [logGroup.logGroupArn],
      }),
    );
    const common = { sources: [source], destinationBucket: this.bucket, prune: false, role, logGroup };
    const hashed = new BucketDeployment(this, "DeployAssets", {
      ...common,
      exclude: ["*"],
      include: ["assets/*"],
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
    });
    const entry = new BucketDeployment(this, "DeployIndex", {
      ...common,
      exclude: ["assets/*"],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ["/*"],
    });
    entry.node.addDependency(hashed);

    const anchor = role.node.defaultChild as CfnResource;
    const grantReason =
      "CDK's BucketDeployment handler: it reads the console's zip from the CDK asset bucket and syncs it into the console bucket (CDK's grants, bucket/* and s3 action groups); it runs only while deploying.";
    acknowledgeNag(
      role,
      ...["s3:GetBucket*", "s3:GetObject*", "s3:List*", "s3:Abort*", "s3:DeleteObject*"].map((action) => ({
        id: `IAM5[Action::${action}]`,
        reason: grantReason,
      })),
      ...[files.bucket.arnForObjects("*"), this.bucket.arnForObjects("*")].map((arn) => ({
        id: `IAM5[${nagResourceWithSub(anchor, arn)}]`,
        reason: grantReason,
      })),
      {
        id: "IAM5[Resource::*]",
        reason:
          "CDK's BucketDeployment grants cloudfront:CreateInvalidation/GetInvalidation on '*' to invalidate the console's distribution after an upload; it runs only while deploying.",
      },
    );
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith("Custom::CDKBucketDeployment"),
    );
    if (!handler) throw new Error("BucketDeployment's handler function was not found");
    acknowledgeNag(handler, {
      id: "L1",
      reason:
        "The BucketDeployment handler is CDK's own custom-resource Lambda; CDK chooses its Python runtime and updates it with aws-cdk-lib. It runs only while deploying.",
    });
  }
}

/**
 * How cdk-nag spells a resource in a granular finding id: `nagResource` (infra/acknowledge.ts), plus
 * `Fn::Sub`, which the CDK asset bucket's name is (`${AWS::AccountId}` → `<AWS::AccountId>`).
 */
function nagResourceWithSub(anchor: CfnResource, arn: string): string {
  const render = (value: unknown): string => {
    if (typeof value === "string") return value;
    const v = value as Record<string, unknown>;
    const sub = v["Fn::Sub"];
    if (typeof sub === "string") return sub.replace(/\$\{([^}]+)\}/g, "<$1>");
    const join = v["Fn::Join"];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(render).join(join[0] as string);
    if (typeof v.Ref === "string") return `<${v.Ref}>`;
    const getAtt = v["Fn::GetAtt"];
    if (Array.isArray(getAtt)) return `<${getAtt.join(".")}>`;
    throw new Error(`Cannot render ${JSON.stringify(value)} as a cdk-nag finding id`);
  };
  return `Resource::${render(Stack.of(anchor).resolve(arn))}`;
}
