/**
 * The fault-injecting proxy of the end-to-end drills, against a small fake upstream that
 * records what reaches it and answers as told: no emulator, no AWS. The answers the proxy makes
 * up are read by the AWS SDK's own clients, as the tools behind the proxy read them.
 */
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  AssumeRoleCommand,
  AssumeRoleWithWebIdentityCommand,
  GetCallerIdentityCommand,
  STSClient,
} from "@aws-sdk/client-sts";
// The SDK's own classification, which its retry strategy uses to pick the throttling backoff.
import { isThrottlingError } from "@smithy/core/retry";
import type { SdkError } from "@smithy/types";
import { createHash, randomBytes } from "crypto";
import * as http from "http";
import * as net from "net";
import { gzipSync } from "zlib";
import { FaultCounters, FaultProxy, FaultProxyOptions } from "../../scripts/lib/fault-proxy";
import { DESTINATION_ACCOUNT, exactly, SOURCE_ACCOUNT } from "../helpers";

/** A key id of the given kind (AKIA: a user's, ASIA: a session's), made up at run time. */
const madeUpKeyId = (prefix: "AKIA" | "ASIA"): string => `${prefix}${randomBytes(8).toString("hex").toUpperCase()}`;
/** A made-up secret, session token or the like: no key material is written in this file. */
const madeUpSecret = (): string => randomBytes(20).toString("base64url");
/** The key id that signs the spec's hand-made requests. */
const SIGNING_KEY_ID = madeUpKeyId("AKIA");
/** What the stub upstream's AssumeRole answer hands out. */
const SESSION = { keyId: madeUpKeyId("ASIA"), secret: madeUpSecret(), token: madeUpSecret() };
/** The key id of a presigned call. */
const PRESIGNED_KEY_ID = madeUpKeyId("ASIA");

/** A request as it reached the fake upstream. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** An answer of the fake upstream. */
interface UpstreamAnswer {
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: Buffer;
  /**
   * Send the head and the body up to byte `at` at once, the rest once `release` settles.
   * @default the whole answer at once
   */
  readonly split?: { readonly at: number; readonly release: Promise<unknown> };
}

/** A plain HTTP server that records every request and answers with `answer(request)`. */
class FakeUpstream {
  readonly received: Received[] = [];
  answer: (request: Received) => UpstreamAnswer = () => ({ status: 200, headers: [], body: Buffer.from("ok") });
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method!, url: req.url!, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks) };
      this.received.push(request);
      const { status, headers, body, split } = this.answer(request);
      res.writeHead(status, [...headers, "Content-Length", String(body.length)]);
      if (!split) {
        res.end(body);
        return;
      }
      res.write(body.subarray(0, split.at));
      void split.release.then(() => res.end(body.subarray(split.at)));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The actions of the query-protocol requests received, in order. */
  actions(): string[] {
    return this.received.map((r) => new URLSearchParams(r.body.toString("utf8")).get("Action") ?? r.url);
  }
}

/** An answer as the client got it. */
interface ClientAnswer {
  readonly status: number;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/**
 * Sends one request with exactly these raw headers (Node adds none: Host and Connection are
 * given); `onHead` runs as soon as the head of the answer arrives, before any of its body is read.
 */
function send(
  endpoint: string,
  method: string,
  path: string,
  rawHeaders: string[],
  body: Buffer,
  onHead?: () => void,
): Promise<ClientAnswer> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, headers: rawHeaders, setHost: false }, (res) => {
      onHead?.();
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode!, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks) }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A SigV4 Authorization header for `service`; nobody checks the signature here. */
function authorization(service: string): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${SIGNING_KEY_ID}/20250607/us-east-1/${service}/aws4_request, ` +
    "SignedHeaders=content-type;host;x-amz-date, Signature=0123456789abcdef"
  );
}

/** Hosts of the real endpoints, as the AWS SDKs send them (the proxy must pass them on). */
const HOSTS: Readonly<Record<string, string>> = {
  ec2: "ec2.us-east-1.amazonaws.com",
  iam: "iam.amazonaws.com",
  sts: "sts.us-east-1.amazonaws.com",
  s3: "s3.us-east-1.amazonaws.com",
};

/** A query-protocol call (EC2, IAM, STS), form-encoded and signed for `service`. */
function call(
  endpoint: string,
  service: string,
  params: Readonly<Record<string, string>>,
  onHead?: () => void,
): Promise<ClientAnswer> {
  const body = Buffer.from(new URLSearchParams(params).toString(), "utf8");
  return send(
    endpoint,
    "POST",
    "/",
    [
      "Host",
      HOSTS[service],
      "Content-Type",
      "application/x-www-form-urlencoded; charset=utf-8",
      "X-Amz-Date",
      "20250607T120000Z",
      "Authorization",
      authorization(service),
      "Content-Length",
      String(body.length),
      "Connection",
      "keep-alive",
    ],
    body,
    onHead,
  );
}

/** An STS call without a signature, its parameters in the form body or the query string. */
function unsignedStsCall(
  endpoint: string,
  params: Readonly<Record<string, string>>,
  where: "body" | "query",
): Promise<ClientAnswer> {
  const query = new URLSearchParams(params).toString();
  const body = Buffer.from(where === "body" ? query : "", "utf8");
  const headers = ["Host", HOSTS.sts, "Content-Length", String(body.length), "Connection", "keep-alive"];
  if (where === "body") headers.unshift("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  return send(endpoint, where === "body" ? "POST" : "GET", where === "body" ? "/" : `/?${query}`, headers, body);
}

/**
 * The split of an answer for a client that must see it before the upstream has sent all of it:
 * the rest follows once `clientHasHead` is called, or after 200 ms (a proxy that reads the whole
 * answer before passing it on lets the client see nothing until then).
 */
function holdBackFrom(at: number): { readonly split: UpstreamAnswer["split"]; readonly clientHasHead: () => void } {
  let clientHasHead!: () => void;
  const headSeen = new Promise<void>((resolve) => (clientHasHead = resolve));
  const later = new Promise<void>((resolve) => setTimeout(resolve, 200));
  return { split: { at, release: Promise.race([headSeen, later]) }, clientHasHead };
}

/** The keys the AWS SDK clients sign with: fake, and never to be found in the counters. */
const SDK_KEYS = { accessKeyId: madeUpKeyId("AKIA"), secretAccessKey: madeUpSecret() };

/** Configuration of an AWS SDK client that talks to `endpoint`, signs with {@link SDK_KEYS} and tries once. */
function sdkConfig(endpoint: string) {
  return { endpoint, region: "us-east-1", credentials: SDK_KEYS, maxAttempts: 1 };
}

/** What the AWS SDK made of an error answer. */
interface SdkReading {
  readonly name: string;
  readonly code: unknown;
  readonly message: string;
  readonly fault: unknown;
  readonly httpStatusCode: number | undefined;
  /** Whether the SDK classifies it as throttling (and so retries it after a throttling backoff). */
  readonly throttling: boolean;
}

/** The error of a call that the SDK failed, as the SDK read it. */
async function sdkError(sending: Promise<unknown>): Promise<SdkReading & { readonly requestId: string | undefined }> {
  try {
    await sending;
  } catch (err) {
    const error = err as SdkError & { readonly Code?: string };
    return {
      name: error.name,
      code: error.Code,
      message: error.message,
      fault: error.$fault,
      httpStatusCode: error.$metadata?.httpStatusCode,
      throttling: isThrottlingError(error),
      requestId: error.$metadata?.requestId,
    };
  }
  throw new Error("the call succeeded where it should have failed");
}

/** STS's answer to a successful call, as the emulator gives it (enough of it for the SDK). */
function stsAnswer(action: string): UpstreamAnswer {
  const result =
    action === "GetCallerIdentity"
      ? `<Arn>arn:aws:iam::${SOURCE_ACCOUNT}:user/deployer</Arn><UserId>AIDAEXAMPLE</UserId><Account>${SOURCE_ACCOUNT}</Account>`
      : `<Credentials><AccessKeyId>${SESSION.keyId}</AccessKeyId><SecretAccessKey>${SESSION.secret}</SecretAccessKey>` +
        `<SessionToken>${SESSION.token}</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>` +
        `<AssumedRoleUser><Arn>arn:aws:sts::${DESTINATION_ACCOUNT}:assumed-role/app-role/s</Arn>` +
        "<AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser>";
  const xml =
    `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><${action}Result>${result}</${action}Result>` +
    `<ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata></${action}Response>`;
  return { status: 200, headers: ["Content-Type", "text/xml"], body: Buffer.from(xml) };
}

/** The action of a form-encoded query-protocol request. */
function actionOf(request: Received): string | null {
  return new URLSearchParams(request.body.toString("utf8")).get("Action");
}

const ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/app-role`;
const OTHER_ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/other-role`;
const CALLER_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:user/deployer`;
const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const ONE_REQUEST_ID = new RegExp(`^${REQUEST_ID.source}$`);

/** IAM's answer to CreateRole, as the emulator gives it. */
function createRoleAnswer(arn: string): UpstreamAnswer {
  const name = arn.split("/").pop()!;
  const xml =
    '<CreateRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><CreateRoleResult><Role>' +
    `<Path>/</Path><Arn>${arn}</Arn><RoleName>${name}</RoleName><RoleId>AROAEXAMPLE</RoleId></Role>` +
    "</CreateRoleResult></CreateRoleResponse>";
  return { status: 200, headers: ["Content-Type", "text/xml"], body: Buffer.from(xml) };
}

/** The body with its request id (a random UUID) replaced by `<id>`. */
function withoutRequestId(body: Buffer): string {
  return body.toString("utf8").replace(REQUEST_ID, "<id>");
}

/** The value of a header in a raw header list, by case-insensitive name. */
function header(rawHeaders: readonly string[], name: string): string | undefined {
  const i = rawHeaders.findIndex((h, index) => index % 2 === 0 && h.toLowerCase() === name.toLowerCase());
  return i < 0 ? undefined : rawHeaders[i + 1];
}

describe("FaultProxy", () => {
  let upstream: FakeUpstream;
  let upstreamEndpoint: string;
  const proxies: FaultProxy[] = [];
  const sdkClients: { destroy(): void }[] = [];

  /** An AWS SDK client, destroyed after the test. */
  function sdk<T extends { destroy(): void }>(client: T): T {
    sdkClients.push(client);
    return client;
  }

  /** A proxy in front of the fake upstream, stopped after the test. */
  async function proxy(options: Omit<FaultProxyOptions, "upstream"> = {}): Promise<FaultProxy> {
    const started = await FaultProxy.start({ ...options, upstream: upstreamEndpoint });
    proxies.push(started);
    return started;
  }

  beforeEach(async () => {
    upstream = new FakeUpstream();
    upstreamEndpoint = await upstream.start();
  });

  afterEach(async () => {
    for (const client of sdkClients.splice(0)) client.destroy();
    await Promise.all(proxies.splice(0).map((p) => p.stop()));
    await upstream.stop();
  });

  describe("forwarding", () => {
    it("passes the method, path, every header (Host too) and the body on byte for byte, and the answer back", async () => {
      // GIVEN a proxy without faults, and an upstream that answers with every byte value
      const p = await proxy();
      const answer = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
      upstream.answer = () => ({ status: 207, headers: ["X-Upstream-Header", "Kept As Is"], body: answer });
      const body = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
      const headers = [
        "Host",
        HOSTS.s3,
        "x-amz-date",
        "20250607T120000Z",
        "Authorization",
        authorization("s3"),
        "X-Mixed-Case",
        "Value  With  Spaces",
        "Content-Length",
        String(body.length),
        "Connection",
        "keep-alive",
      ];

      // WHEN
      const got = await send(
        p.endpoint,
        "PUT",
        "/bucket/key%20with%20space?partNumber=1&uploadId=a%2Fb",
        headers,
        body,
      );

      // THEN the upstream got exactly what was sent
      expect(upstream.received).toHaveLength(1);
      const [received] = upstream.received;
      expect(received.method).toBe("PUT");
      expect(received.url).toBe("/bucket/key%20with%20space?partNumber=1&uploadId=a%2Fb");
      expect(received.rawHeaders).toEqual(headers);
      expect(received.body.equals(body)).toBe(true);
      // AND the client got the upstream's answer
      expect(got.status).toBe(207);
      expect(header(got.rawHeaders, "X-Upstream-Header")).toBe("Kept As Is");
      expect(got.body.equals(answer)).toBe(true);
      expect(p.counters()).toEqual({
        forwarded: { s3: { PUT: 1 } },
        accessDenied: {},
        throttled: {},
        rolesCreated: [],
        stsCalls: [],
      });
    });

    it("counts forwarded calls by the service of the SigV4 scope and the action", async () => {
      const p = await proxy();

      await call(p.endpoint, "ec2", { Action: "RunInstances", Version: "2016-11-15" });
      await call(p.endpoint, "ec2", { Action: "DescribeInstances", Version: "2016-11-15" });
      await call(p.endpoint, "ec2", { Action: "DescribeInstances", Version: "2016-11-15" });
      await call(p.endpoint, "sts", { Action: "GetCallerIdentity", Version: "2011-06-15" });

      expect(p.counters().forwarded).toEqual({
        ec2: { RunInstances: 1, DescribeInstances: 2 },
        sts: { GetCallerIdentity: 1 },
      });
      expect(upstream.actions()).toEqual([
        "RunInstances",
        "DescribeInstances",
        "DescribeInstances",
        "GetCallerIdentity",
      ]);
    });

    it.each([
      ["AssumeRoleWithWebIdentity", "body"],
      ["AssumeRoleWithWebIdentity", "query"],
      ["AssumeRoleWithSAML", "body"],
    ] as const)("counts STS's unsigned %s (parameters in the %s) under sts", async (action, where) => {
      const p = await proxy();

      const got = await unsignedStsCall(p.endpoint, { Action: action, Version: "2011-06-15" }, where);

      expect(got.status).toBe(200);
      expect(upstream.received).toHaveLength(1);
      expect(p.counters().forwarded).toEqual({ sts: { [action]: 1 } });
      expect(p.counters().stsCalls).toEqual([{ action, status: 200 }]);
    });

    it("counts other unsigned calls as unsigned, even with the action of an STS call that needs a signature", async () => {
      const p = await proxy();

      await unsignedStsCall(p.endpoint, { Action: "GetCallerIdentity", Version: "2011-06-15" }, "body");

      expect(p.counters().forwarded).toEqual({ unsigned: { GetCallerIdentity: 1 } });
      expect(p.counters().stsCalls).toEqual([]);
    });

    it("answers 502 with the reason when the upstream cannot be reached", async () => {
      // GIVEN an upstream that has gone
      const p = await proxy();
      await upstream.stop();

      // WHEN
      const got = await call(p.endpoint, "sts", { Action: "GetCallerIdentity" });

      // THEN
      expect(got.status).toBe(502);
      expect(got.body.toString()).toContain(`fault proxy: the upstream ${upstreamEndpoint} did not answer: `);
      expect(p.counters().stsCalls).toEqual([
        { action: "GetCallerIdentity", accessKeyId: SIGNING_KEY_ID, status: 502 },
      ]);
    });
  });

  describe("IAM propagation", () => {
    const DELAY_MS = 15000;
    let now: number;
    let p: FaultProxy;
    const assumeRole = (roleArn: string): Promise<ClientAnswer> =>
      call(p.endpoint, "sts", { Action: "AssumeRole", RoleArn: roleArn, RoleSessionName: "s", Version: "2011-06-15" });

    beforeEach(async () => {
      now = 1_000_000;
      p = await proxy({ propagationDelayMs: DELAY_MS, callerArn: CALLER_ARN, clock: () => now });
      upstream.answer = (request) =>
        new URLSearchParams(request.body.toString()).get("Action") === "CreateRole"
          ? createRoleAnswer(ROLE_ARN)
          : { status: 200, headers: [], body: Buffer.from("<AssumeRoleResponse/>") };
    });

    it("refuses AssumeRole of a role created through it with STS's AccessDenied for the delay, then forwards it", async () => {
      // GIVEN the role was just created
      const created = await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });
      expect(created.body.equals(createRoleAnswer(ROLE_ARN).body)).toBe(true);

      // WHEN assumed at once, and just before the delay is over
      const first = await assumeRole(ROLE_ARN);
      now += DELAY_MS - 1;
      const last = await assumeRole(ROLE_ARN);

      // THEN both are refused as STS refuses, and neither reaches the upstream
      for (const refused of [first, last]) {
        expect(refused.status).toBe(403);
        expect(header(refused.rawHeaders, "Content-Type")).toBe("text/xml");
        expect(withoutRequestId(refused.body)).toBe(
          '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
            `<Code>AccessDenied</Code><Message>User: ${CALLER_ARN} is not authorized to perform: ` +
            `sts:AssumeRole on resource: ${ROLE_ARN}</Message></Error><RequestId><id></RequestId></ErrorResponse>`,
        );
      }
      expect(upstream.actions()).toEqual(["CreateRole"]);

      // WHEN the delay is over
      now += 1;
      const assumed = await assumeRole(ROLE_ARN);

      // THEN it is forwarded
      expect(assumed.status).toBe(200);
      expect(upstream.actions()).toEqual(["CreateRole", "AssumeRole"]);
      const assumeRoleCall = {
        action: "AssumeRole",
        roleArn: ROLE_ARN,
        roleSessionName: "s",
        accessKeyId: SIGNING_KEY_ID,
      };
      expect(p.counters()).toEqual({
        forwarded: { iam: { CreateRole: 1 }, sts: { AssumeRole: 1 } },
        accessDenied: { [ROLE_ARN]: 2 },
        throttled: {},
        rolesCreated: [ROLE_ARN],
        stsCalls: [
          { ...assumeRoleCall, status: 403 },
          { ...assumeRoleCall, status: 403 },
          { ...assumeRoleCall, status: 200 },
        ],
      });
    });

    it("refuses as STS does, by the AWS SDK's reading: AccessDenied, 403, naming the caller and the role, not throttling", async () => {
      // GIVEN the role was just created
      await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });
      const sts = sdk(new STSClient(sdkConfig(p.endpoint)));

      // WHEN
      const error = await sdkError(sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "deploy" })));

      // THEN
      expect(error).toEqual({
        name: "AccessDenied",
        code: "AccessDenied",
        message: `User: ${CALLER_ARN} is not authorized to perform: sts:AssumeRole on resource: ${ROLE_ARN}`,
        fault: "client",
        httpStatusCode: 403,
        throttling: false,
        requestId: expect.stringMatching(ONE_REQUEST_ID),
      });
      expect(p.counters().accessDenied).toEqual({ [ROLE_ARN]: 1 });
    });

    it("counts the role, at the time of CreateRole's answer, before the client gets any of that answer", async () => {
      // GIVEN an upstream that sends CreateRole's answer in two parts, the ARN in the first, and the
      // rest once the client has seen the answer
      const whole = createRoleAnswer(ROLE_ARN);
      const { split, clientHasHead } = holdBackFrom(whole.body.indexOf("</Arn>") + "</Arn>".length);
      upstream.answer = (request) =>
        actionOf(request) === "CreateRole" ? { ...whole, split } : stsAnswer(actionOf(request)!);

      // WHEN the client reads the counters the moment the answer's head arrives, and the whole delay passes then
      let atHead: FaultCounters | undefined;
      const created = await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" }, () => {
        atHead = p.counters();
        now += DELAY_MS;
        clientHasHead();
      });

      // THEN the role was counted already, with the time before the client had any of the answer
      expect(created.body.equals(whole.body)).toBe(true);
      expect(atHead?.rolesCreated).toEqual([ROLE_ARN]);
      expect((await assumeRole(ROLE_ARN)).status).toBe(200);
    });

    it("reads a gzip-encoded CreateRole answer, and passes it on still encoded", async () => {
      // GIVEN an upstream that compresses CreateRole's answer
      const gzipped = gzipSync(createRoleAnswer(ROLE_ARN).body);
      upstream.answer = (request) =>
        actionOf(request) === "CreateRole"
          ? { status: 200, headers: ["Content-Type", "text/xml", "Content-Encoding", "gzip"], body: gzipped }
          : stsAnswer(actionOf(request)!);

      // WHEN
      const created = await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });

      // THEN the client got the compressed bytes as they came, and the role counts as created
      expect(created.status).toBe(200);
      expect(header(created.rawHeaders, "Content-Encoding")).toBe("gzip");
      expect(created.body.equals(gzipped)).toBe(true);
      expect(p.counters().rolesCreated).toEqual([ROLE_ARN]);
      expect((await assumeRole(ROLE_ARN)).status).toBe(403);
    });

    it("passes on a CreateRole answer that claims gzip but is not, counts no role, and keeps answering", async () => {
      // GIVEN an upstream whose CreateRole answer cannot be decompressed
      const broken = Buffer.from("<Arn>not gzip at all</Arn>");
      upstream.answer = (request) =>
        actionOf(request) === "CreateRole"
          ? { status: 200, headers: ["Content-Encoding", "gzip"], body: broken }
          : stsAnswer(actionOf(request)!);

      // WHEN
      const created = await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });

      // THEN
      expect(created.status).toBe(200);
      expect(created.body.equals(broken)).toBe(true);
      expect(p.counters().rolesCreated).toEqual([]);
      expect((await assumeRole(ROLE_ARN)).status).toBe(200);
    });

    it("does not refuse other roles, nor other STS calls", async () => {
      await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });

      expect((await assumeRole(OTHER_ROLE_ARN)).status).toBe(200);
      expect((await call(p.endpoint, "sts", { Action: "GetCallerIdentity" })).status).toBe(200);
      expect(p.counters().accessDenied).toEqual({});
    });

    it("does not count a CreateRole that failed", async () => {
      // GIVEN the upstream refuses the CreateRole (the role exists already)
      upstream.answer = () => ({
        status: 409,
        headers: ["Content-Type", "text/xml"],
        body: Buffer.from(`<ErrorResponse><Error><Code>EntityAlreadyExists</Code></Error><Arn>${ROLE_ARN}</Arn>`),
      });
      await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });

      // THEN
      upstream.answer = () => ({ status: 200, headers: [], body: Buffer.from("<AssumeRoleResponse/>") });
      expect((await assumeRole(ROLE_ARN)).status).toBe(200);
      expect(p.counters().rolesCreated).toEqual([]);
    });

    it("refuses a role created again for the whole delay again", async () => {
      // GIVEN a role created, assumable once the delay was over
      await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });
      now += DELAY_MS;
      expect((await assumeRole(ROLE_ARN)).status).toBe(200);

      // WHEN it is deleted and created again under the same ARN
      await call(p.endpoint, "iam", { Action: "CreateRole", RoleName: "app-role" });

      // THEN
      expect((await assumeRole(ROLE_ARN)).status).toBe(403);
      expect(p.counters().rolesCreated).toEqual([ROLE_ARN, ROLE_ARN]);
    });
  });

  describe("throttling", () => {
    const SERVICES = ["ec2", "iam", "sts"] as const;
    const ACTIONS = { ec2: "DescribeInstances", iam: "GetRole", sts: "GetCallerIdentity" };

    it("with share 0, throttles nothing", async () => {
      const p = await proxy({ throttleShare: 0, seed: 7 });

      for (let i = 0; i < 20; i++) {
        for (const service of SERVICES) {
          expect((await call(p.endpoint, service, { Action: ACTIONS[service] })).status).toBe(200);
        }
      }

      expect(p.counters().throttled).toEqual({});
      expect(upstream.received).toHaveLength(60);
    });

    it("with share 1, answers every EC2, IAM and STS call with the service's throttling error", async () => {
      // GIVEN
      const p = await proxy({ throttleShare: 1 });

      // WHEN
      const [ec2, iam, sts] = await Promise.all(SERVICES.map((s) => call(p.endpoint, s, { Action: ACTIONS[s] })));

      // THEN none reaches the upstream; each gets what AWS sends
      expect(upstream.received).toEqual([]);
      expect(ec2.status).toBe(503);
      expect(withoutRequestId(ec2.body)).toBe(
        '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code>' +
          "<Message>Request limit exceeded.</Message></Error></Errors><RequestID><id></RequestID></Response>",
      );
      expect(iam.status).toBe(400);
      expect(withoutRequestId(iam.body)).toBe(
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
          "<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId><id></RequestId></ErrorResponse>",
      );
      expect(sts.status).toBe(400);
      expect(withoutRequestId(sts.body)).toBe(
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
          "<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId><id></RequestId></ErrorResponse>",
      );
      for (const answer of [ec2, iam, sts]) expect(header(answer.rawHeaders, "Content-Type")).toBe("text/xml");
      expect(p.counters()).toEqual({
        forwarded: {},
        accessDenied: {},
        throttled: { ec2: 1, iam: 1, sts: 1 },
        rolesCreated: [],
        stsCalls: [{ action: "GetCallerIdentity", accessKeyId: SIGNING_KEY_ID, status: 400 }],
      });
    });

    it.each([
      [
        "EC2",
        "RequestLimitExceeded, 503",
        (endpoint: string) => sdk(new EC2Client(sdkConfig(endpoint))).send(new DescribeInstancesCommand({})),
        { name: "RequestLimitExceeded", message: "Request limit exceeded.", fault: "server", httpStatusCode: 503 },
      ],
      [
        "IAM",
        "Throttling, 400",
        (endpoint: string) =>
          sdk(new IAMClient(sdkConfig(endpoint))).send(new GetRoleCommand({ RoleName: "app-role" })),
        { name: "Throttling", message: "Rate exceeded", fault: "client", httpStatusCode: 400 },
      ],
      [
        "STS",
        "Throttling, 400",
        (endpoint: string) => sdk(new STSClient(sdkConfig(endpoint))).send(new GetCallerIdentityCommand({})),
        { name: "Throttling", message: "Rate exceeded", fault: "client", httpStatusCode: 400 },
      ],
    ])(
      "with share 1, throttles %s as the AWS SDK reads AWS's answer: %s, a throttling error",
      async (_s, _e, send, expected) => {
        // GIVEN
        const p = await proxy({ throttleShare: 1 });

        // WHEN
        const { requestId, ...error } = await sdkError(send(p.endpoint));

        // THEN
        expect(error).toEqual({ ...expected, code: expected.name, throttling: true });
        if (expected.name === "Throttling") expect(requestId).toMatch(ONE_REQUEST_ID);
        expect(upstream.received).toEqual([]);
      },
    );

    it("with share 1, throttles STS's unsigned AssumeRoleWithWebIdentity as any STS call", async () => {
      // GIVEN
      const p = await proxy({ throttleShare: 1 });
      const sts = sdk(new STSClient(sdkConfig(p.endpoint)));

      // WHEN
      const error = await sdkError(
        sts.send(
          new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE_ARN, RoleSessionName: "ci", WebIdentityToken: "t.o.k" }),
        ),
      );

      // THEN
      expect(error).toMatchObject({ name: "Throttling", httpStatusCode: 400, throttling: true });
      expect(upstream.received).toEqual([]);
      expect(p.counters().throttled).toEqual({ sts: 1 });
      expect(p.counters().stsCalls).toEqual([
        {
          action: "AssumeRoleWithWebIdentity",
          roleArn: ROLE_ARN,
          roleSessionName: "ci",
          webIdentityTokenSha256: createHash("sha256").update("t.o.k").digest("hex"),
          status: 400,
        },
      ]);
    });

    it("with share 1, never throttles the emulator's own API, other services or unsigned requests", async () => {
      const p = await proxy({ throttleShare: 1 });
      const plain = ["Host", "127.0.0.1", "Content-Length", "0", "Connection", "keep-alive"];

      const motoApi = await send(p.endpoint, "POST", "/moto-api/reset", plain, Buffer.alloc(0));
      // Even when signed as a throttled service.
      const signedMotoApi = await send(
        p.endpoint,
        "GET",
        "/moto-api/data.json",
        ["Host", "127.0.0.1", "Authorization", authorization("ec2"), "Connection", "keep-alive"],
        Buffer.alloc(0),
      );
      const s3 = await call(p.endpoint, "s3", { Action: "ListBuckets" });
      const unsigned = await send(p.endpoint, "GET", "/", plain, Buffer.alloc(0));

      expect([motoApi.status, signedMotoApi.status, s3.status, unsigned.status]).toEqual([200, 200, 200, 200]);
      expect(upstream.received.map((r) => r.url)).toEqual(["/moto-api/reset", "/moto-api/data.json", "/", "/"]);
      expect(p.counters().throttled).toEqual({});
      expect(p.counters().forwarded).toEqual({
        "moto-api": { POST: 1, GET: 1 },
        s3: { ListBuckets: 1 },
        unsigned: { GET: 1 },
      });
    });

    it("throttles the share it is given: 1000 calls at 0.2 with seed 20250607 throttle 190 to 225", async () => {
      // GIVEN
      const CALLS = 1000;
      const p = await proxy({ throttleShare: 0.2, seed: 20250607 });

      // WHEN 1000 calls are made, 50 at a time (the count does not depend on their order)
      for (let i = 0; i < CALLS; i += 50) {
        await Promise.all(
          Array.from({ length: 50 }, (_, j) => SERVICES[(i + j) % 3]).map((s) =>
            call(p.endpoint, s, { Action: ACTIONS[s] }),
          ),
        );
      }

      // THEN this seed's PRNG throttles 207 of them; the range allows another PRNG of the same
      // rate, and rejects shares of 0.15 and 0.25 (this seed: 150 and 257), let alone half or double
      const { throttled, forwarded } = p.counters();
      const throttledCalls = Object.values(throttled).reduce((sum, n) => sum + n, 0);
      expect(throttledCalls).toBeGreaterThanOrEqual(190);
      expect(throttledCalls).toBeLessThanOrEqual(225);
      const forwardedCalls = Object.values(forwarded).flatMap((byAction) => Object.values(byAction));
      expect(forwardedCalls.reduce((sum, n) => sum + n, 0)).toBe(CALLS - throttledCalls);
      expect(upstream.received).toHaveLength(CALLS - throttledCalls);
    });

    it("throttles the same calls again with the same seed, other calls with another seed", async () => {
      /** Which of 40 calls in a row are throttled, with a share of one half. */
      const pattern = async (seed: number): Promise<string> => {
        const p = await proxy({ throttleShare: 0.5, seed });
        let result = "";
        for (let i = 0; i < 40; i++) {
          const service = SERVICES[i % 3];
          result += (await call(p.endpoint, service, { Action: ACTIONS[service] })).status === 200 ? "." : "T";
        }
        return result;
      };

      const first = await pattern(42);
      const again = await pattern(42);
      const other = await pattern(43);

      expect(again).toBe(first);
      expect(other).not.toBe(first);
      // Both answers occur: the share is applied, not all or nothing.
      expect(first).toMatch(/T/);
      expect(first).toMatch(/\./);
    });
  });

  describe("STS calls", () => {
    it("records each STS call in order: action, role, session, the signing key id, a hash of the token, the status", async () => {
      // GIVEN a proxy without faults, an upstream that answers STS, and the SDK's clients
      const p = await proxy();
      upstream.answer = (request) => stsAnswer(actionOf(request)!);
      const sts = sdk(new STSClient(sdkConfig(p.endpoint)));
      const token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm93bmVyL2FwcCJ9.c2lnbmF0dXJl";

      // WHEN the source keys assume a role, a pipeline signs in with its token (unsigned), and asks who it is
      await sts.send(new AssumeRoleCommand({ RoleArn: ROLE_ARN, RoleSessionName: "deploy" }));
      await sts.send(
        new AssumeRoleWithWebIdentityCommand({
          RoleArn: OTHER_ROLE_ARN,
          RoleSessionName: "ci",
          WebIdentityToken: token,
        }),
      );
      await sts.send(new GetCallerIdentityCommand({}));
      await call(p.endpoint, "iam", { Action: "GetRole", RoleName: "app-role" });

      // THEN
      expect(p.counters().stsCalls).toEqual([
        {
          action: "AssumeRole",
          roleArn: ROLE_ARN,
          roleSessionName: "deploy",
          accessKeyId: SDK_KEYS.accessKeyId,
          status: 200,
        },
        {
          action: "AssumeRoleWithWebIdentity",
          roleArn: OTHER_ROLE_ARN,
          roleSessionName: "ci",
          webIdentityTokenSha256: createHash("sha256").update(token, "utf8").digest("hex"),
          status: 200,
        },
        { action: "GetCallerIdentity", accessKeyId: SDK_KEYS.accessKeyId, status: 200 },
      ]);
      // AND no token or secret is kept
      const kept = JSON.stringify(p.counters());
      for (const secret of [token, SDK_KEYS.secretAccessKey, SESSION.secret, SESSION.token]) {
        expect(kept).not.toContain(secret);
      }
    });

    it("records an STS call before the client gets any of its answer", async () => {
      // GIVEN an upstream that sends the head of its answer at once, and the rest once the client has seen it
      const p = await proxy();
      const { split, clientHasHead } = holdBackFrom(10);
      upstream.answer = () => ({ ...stsAnswer("AssumeRole"), split });

      // WHEN the client reads the counters the moment the answer's head arrives
      let atHead: FaultCounters | undefined;
      await call(p.endpoint, "sts", { Action: "AssumeRole", RoleArn: ROLE_ARN, RoleSessionName: "s" }, () => {
        atHead = p.counters();
        clientHasHead();
      });

      // THEN
      expect(atHead?.stsCalls).toEqual([
        { action: "AssumeRole", roleArn: ROLE_ARN, roleSessionName: "s", accessKeyId: SIGNING_KEY_ID, status: 200 },
      ]);
    });

    it("records the status of the upstream's refusal, and the key id of a presigned call", async () => {
      // GIVEN an upstream that refuses every call
      const p = await proxy();
      upstream.answer = () => ({ status: 403, headers: [], body: Buffer.from("<ErrorResponse/>") });

      // WHEN
      await call(p.endpoint, "sts", { Action: "AssumeRole", RoleArn: ROLE_ARN, RoleSessionName: "s" });
      const presigned = new URLSearchParams({
        Action: "GetCallerIdentity",
        Version: "2011-06-15",
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": `${PRESIGNED_KEY_ID}/20250607/us-east-1/sts/aws4_request`,
        "X-Amz-Security-Token": "fake-presigned-session-token",
        "X-Amz-Signature": "0123456789abcdef",
      });
      await send(p.endpoint, "GET", `/?${presigned}`, ["Host", HOSTS.sts, "Connection", "keep-alive"], Buffer.alloc(0));

      // THEN
      expect(p.counters().stsCalls).toEqual([
        { action: "AssumeRole", roleArn: ROLE_ARN, roleSessionName: "s", accessKeyId: SIGNING_KEY_ID, status: 403 },
        { action: "GetCallerIdentity", accessKeyId: PRESIGNED_KEY_ID, status: 403 },
      ]);
      expect(JSON.stringify(p.counters())).not.toContain("fake-presigned-session-token");
    });
  });

  describe("options", () => {
    it("resolve their defaults once: no delay, no throttling, seed 1", async () => {
      const p = await proxy();

      expect(p.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(p.upstream).toBe(upstreamEndpoint);
      expect([p.propagationDelayMs, p.throttleShare, p.seed, p.callerArn]).toEqual([0, 0, 1, "the caller"]);
    });

    it.each([
      [{ throttleShare: 1.5 }, "throttleShare 1.5 must be a number from 0 to 1"],
      [{ throttleShare: Number.NaN }, "throttleShare NaN must be a number from 0 to 1"],
      [{ propagationDelayMs: -1 }, "propagationDelayMs -1 must be a number of milliseconds, 0 or more"],
      [{ seed: 1.5 }, "seed 1.5 must be an integer from 0 to 4294967295"],
      [
        { throttleShare: -0.1, seed: -1 },
        "throttleShare -0.1 must be a number from 0 to 1; seed -1 must be an integer from 0 to 4294967295",
      ],
    ])("are validated: %j", async (options, message) => {
      await expect(proxy(options)).rejects.toThrow(exactly(message));
    });

    it("need a plain HTTP upstream", async () => {
      await expect(FaultProxy.start({ upstream: "https://127.0.0.1:1" })).rejects.toThrow(
        exactly('upstream "https://127.0.0.1:1" must be an http:// endpoint'),
      );
    });

    it("stop is safe to call twice", async () => {
      const p = await FaultProxy.start({ upstream: upstreamEndpoint });
      await p.stop();
      await expect(p.stop()).resolves.toBeUndefined();
    });
  });
});
