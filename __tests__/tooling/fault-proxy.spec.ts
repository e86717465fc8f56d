/**
 * The fault-injecting proxy of the end-to-end drills, against a small fake upstream that
 * records what reaches it and answers as told: no emulator, no AWS.
 */
import * as http from "http";
import * as net from "net";
import { FaultProxy, FaultProxyOptions } from "../../scripts/lib/fault-proxy";
import { DESTINATION_ACCOUNT, exactly, SOURCE_ACCOUNT } from "../helpers";

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
      const { status, headers, body } = this.answer(request);
      res.writeHead(status, [...headers, "Content-Length", String(body.length)]);
      res.end(body);
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

/** Sends one request with exactly these raw headers (Node adds none: Host and Connection are given). */
function send(
  endpoint: string,
  method: string,
  path: string,
  rawHeaders: string[],
  body: Buffer,
): Promise<ClientAnswer> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method, path, headers: rawHeaders, setHost: false }, (res) => {
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
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250607/us-east-1/${service}/aws4_request, ` +
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
function call(endpoint: string, service: string, params: Readonly<Record<string, string>>): Promise<ClientAnswer> {
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
  );
}

const ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/app-role`;
const OTHER_ROLE_ARN = `arn:aws:iam::${DESTINATION_ACCOUNT}:role/other-role`;
const CALLER_ARN = `arn:aws:iam::${SOURCE_ACCOUNT}:user/deployer`;
const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

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

    it("answers 502 with the reason when the upstream cannot be reached", async () => {
      // GIVEN an upstream that has gone
      const p = await proxy();
      await upstream.stop();

      // WHEN
      const got = await call(p.endpoint, "sts", { Action: "GetCallerIdentity" });

      // THEN
      expect(got.status).toBe(502);
      expect(got.body.toString()).toContain(`fault proxy: the upstream ${upstreamEndpoint} did not answer: `);
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
      expect(p.counters()).toEqual({
        forwarded: { iam: { CreateRole: 1 }, sts: { AssumeRole: 1 } },
        accessDenied: { [ROLE_ARN]: 2 },
        throttled: {},
        rolesCreated: [ROLE_ARN],
      });
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
      });
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
