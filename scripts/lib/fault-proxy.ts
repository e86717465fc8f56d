/**
 * A loopback HTTP proxy in front of the AWS emulator that adds two faults of real AWS the
 * emulator does not have:
 *
 * - **IAM propagation delay**: AWS refuses `sts:AssumeRole` of a role created moments ago
 *   (AccessDenied) until the new role has reached STS, typically for a few seconds.
 * - **Throttling**: AWS answers calls beyond an account's request rate with a throttling error
 *   that the SDKs retry after a backoff.
 *
 * Everything else is forwarded unchanged (method, path, every header including Host, body) and
 * the answer is streamed back, so SigV4 signatures stay valid and the emulator sees the request
 * the client made. The proxy tells services apart by the credential scope of the request's SigV4
 * `Authorization` header (STS's calls that take no signature, such as
 * `AssumeRoleWithWebIdentity`, by their action) and actions by the `Action` of the query
 * protocols (EC2, IAM, STS). It records every STS call it answers, faults or not, so that a test
 * can check who assumed what.
 */
import { createHash, randomUUID } from "crypto";
import * as http from "http";
import * as net from "net";
import { gunzipSync } from "zlib";

/** The services whose calls the proxy may throttle. */
export const THROTTLED_SERVICES = ["ec2", "iam", "sts"] as const;

/** A service the proxy may throttle. */
export type ThrottledService = (typeof THROTTLED_SERVICES)[number];

/** The faults a {@link FaultProxy} injects. */
export interface FaultInjection {
  /**
   * How long after a successful IAM `CreateRole` (as the proxy saw its answer) an STS
   * `AssumeRole` of that role is refused with AWS's AccessDenied instead of being forwarded.
   * A role created again (same ARN) is refused again for as long.
   * @default 0 - roles can be assumed as soon as they exist
   */
  readonly propagationDelayMs?: number;
  /**
   * Share of the calls to EC2, IAM and STS answered with AWS's throttling error of the service
   * instead of being forwarded, from 0 (none) to 1 (all). Which calls is decided by a PRNG
   * seeded with `seed`: the n-th call to these services gets the same decision in every run
   * with the same seed (concurrent clients may of course send their calls in another order).
   * @default 0
   */
  readonly throttleShare?: number;
  /**
   * Seed of the PRNG that picks the throttled calls: an integer from 0 to 2^32 - 1. Reported
   * with the counters, so a failing run can be reproduced.
   * @default 1
   */
  readonly seed?: number;
  /**
   * The principal that AccessDenied messages name as the caller. The proxy cannot tell who
   * signed a request (it has no keys), so this is the same for every refusal.
   * @default "the caller"
   */
  readonly callerArn?: string;
  /**
   * Current time in milliseconds; tests pass their own clock to step through the delay.
   * @default Date.now
   */
  readonly clock?: () => number;
}

/** Options of {@link FaultProxy.start}. */
export interface FaultProxyOptions extends FaultInjection {
  /** The endpoint requests are forwarded to, e.g. `http://127.0.0.1:5000`: plain HTTP. */
  readonly upstream: string;
}

/** One STS call that passed through a {@link FaultProxy}: what was asked, by which key, and the answer's status. */
export interface StsCallRecord {
  /** The call's `Action`: `AssumeRole`, `AssumeRoleWithWebIdentity`, `GetCallerIdentity`, ... */
  readonly action: string;
  /** The `RoleArn` parameter. @default - the call had none */
  readonly roleArn?: string;
  /** The `RoleSessionName` parameter. @default - the call had none */
  readonly roleSessionName?: string;
  /**
   * Hex SHA-256 of the `WebIdentityToken` parameter: enough to tell which token was used, without
   * keeping a credential in the counters (which tests print).
   * @default - the call had no token
   */
  readonly webIdentityTokenSha256?: string;
  /**
   * The access key id that signed the call (SigV4 `Credential=` of the `Authorization` header or
   * `X-Amz-Credential` of a presigned URL); never the secret or a session token.
   * @default - the call was not signed (`AssumeRoleWithWebIdentity`, `AssumeRoleWithSAML`)
   */
  readonly accessKeyId?: string;
  /** HTTP status of the answer the client got: the upstream's, or that of an answer the proxy injected. */
  readonly status: number;
}

/** What a {@link FaultProxy} did so far. */
export interface FaultCounters {
  /**
   * Requests forwarded, by service (from the SigV4 credential scope; `sts` for STS's unsigned
   * calls) and action: `iam` → `CreateRole` → 1.
   */
  readonly forwarded: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** AccessDenied answers injected into `AssumeRole`, by role ARN. */
  readonly accessDenied: Readonly<Record<string, number>>;
  /** Throttling answers injected, by service. */
  readonly throttled: Readonly<Partial<Record<ThrottledService, number>>>;
  /** ARNs of the roles whose `CreateRole` succeeded through the proxy, in order. */
  readonly rolesCreated: readonly string[];
  /**
   * Every STS call the proxy answered, forwarded or refused, in the order of the answers (for
   * calls made one after another, the order they were made). A call whose client went away
   * before the answer is not in it.
   */
  readonly stsCalls: readonly StsCallRecord[];
}

/** Service name of requests without a SigV4 credential scope. */
const UNSIGNED = "unsigned";
/** Service name of the emulator's own API (`/moto-api/...`), which is never throttled. */
const EMULATOR_API = "moto-api";
/**
 * STS's actions that take no SigV4 signature (the caller proves who it is with the token or
 * assertion in the call): STS calls all the same, counted, throttled and recorded as such.
 */
const UNSIGNED_STS_ACTIONS: readonly string[] = ["AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"];

const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** An answer the proxy makes up instead of forwarding. */
interface InjectedAnswer {
  readonly status: number;
  readonly body: string;
  /** Headers besides Content-Type and Content-Length. @default none */
  readonly headers?: Readonly<Record<string, string>>;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * An error answer of the AWS query protocol (IAM, STS), with its request id in the body and, as
 * AWS sends it, in `x-amzn-RequestId` (where the JavaScript SDK reads it).
 */
function queryError(status: number, namespace: string, code: string, message: string): InjectedAnswer {
  const requestId = randomUUID();
  return {
    status,
    headers: { "x-amzn-RequestId": requestId },
    body:
      `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${xmlEscape(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/**
 * AWS's throttling answers. The AWS SDKs (Go v2's `retry.DefaultThrottleErrorCodes`, JavaScript
 * v3's `THROTTLING_ERROR_CODES`) retry both codes as throttling, and EC2's 503 also as a
 * retryable status.
 */
const THROTTLING: Readonly<Record<ThrottledService, () => InjectedAnswer>> = {
  ec2: () => ({
    status: 503,
    body:
      '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>RequestLimitExceeded</Code>' +
      `<Message>Request limit exceeded.</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`,
  }),
  iam: () => queryError(400, IAM_NAMESPACE, "Throttling", "Rate exceeded"),
  sts: () => queryError(400, STS_NAMESPACE, "Throttling", "Rate exceeded"),
};

/** STS's answer to an AssumeRole of a role it does not know yet. */
function accessDenied(callerArn: string, roleArn: string): InjectedAnswer {
  const message = `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  return queryError(403, STS_NAMESPACE, "AccessDenied", message);
}

/** mulberry32: a small, fast PRNG with 32 bits of state; plenty for picking calls. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What the proxy reads of a request to decide what to do with it. */
interface Call {
  readonly service: string;
  readonly action: string;
  readonly params: URLSearchParams;
  /** The access key id of the SigV4 signature; undefined when unsigned. */
  readonly accessKeyId: string | undefined;
}

/** The service, action and parameters of a request (query protocol: form body or query string). */
function readCall(req: http.IncomingMessage, body: Buffer): Call {
  const url = new URL(req.url ?? "/", "http://proxy.invalid");
  const params = new URLSearchParams(url.search);
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    for (const [name, value] of new URLSearchParams(body.toString("utf8"))) params.append(name, value);
  }
  // Credential=AKID/20240101/us-east-1/sts/aws4_request, in the header or a presigned URL.
  const scope =
    /Credential=([^/,\s]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? "") ??
    /^([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(params.get("X-Amz-Credential") ?? "");
  const target = req.headers["x-amz-target"];
  const action = params.get("Action") ?? (typeof target === "string" ? target.split(".").pop()! : req.method!);
  let service = scope?.[2] ?? (UNSIGNED_STS_ACTIONS.includes(action) ? "sts" : UNSIGNED);
  if (url.pathname.startsWith("/moto-api/")) service = EMULATOR_API;
  return { service, action, params, accessKeyId: scope?.[1] };
}

/** The record of an STS call, without any token or secret of it. */
function stsCallRecord(call: Call, status: number): StsCallRecord {
  const roleArn = call.params.get("RoleArn");
  const roleSessionName = call.params.get("RoleSessionName");
  const token = call.params.get("WebIdentityToken");
  return {
    action: call.action,
    ...(roleArn !== null && { roleArn }),
    ...(roleSessionName !== null && { roleSessionName }),
    ...(token !== null && { webIdentityTokenSha256: createHash("sha256").update(token, "utf8").digest("hex") }),
    ...(call.accessKeyId !== undefined && { accessKeyId: call.accessKeyId }),
    status,
  };
}

/** The body of an answer, decoded as its Content-Encoding says; undefined when it cannot be. */
function decodedBody(body: Buffer, encoding: string | undefined): Buffer | undefined {
  if (encoding === undefined || encoding === "identity") return body;
  if (encoding !== "gzip") return undefined;
  try {
    return gunzipSync(body);
  } catch {
    // A broken answer is the client's to report; the proxy must not fall over on it.
    return undefined;
  }
}

function isThrottledService(service: string): service is ThrottledService {
  return (THROTTLED_SERVICES as readonly string[]).includes(service);
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/**
 * A fault-injecting proxy on 127.0.0.1 (see the module). Start it with {@link FaultProxy.start},
 * point the clients' `AWS_ENDPOINT_URL` at {@link FaultProxy.endpoint}, read
 * {@link FaultProxy.counters}, and {@link FaultProxy.stop} it.
 */
export class FaultProxy {
  /** `http://127.0.0.1:<port>` of the proxy. */
  public readonly endpoint: string;
  /** The endpoint requests are forwarded to. */
  public readonly upstream: string;
  /** See {@link FaultInjection.propagationDelayMs}. */
  public readonly propagationDelayMs: number;
  /** See {@link FaultInjection.throttleShare}. */
  public readonly throttleShare: number;
  /** See {@link FaultInjection.seed}. */
  public readonly seed: number;
  /** See {@link FaultInjection.callerArn}. */
  public readonly callerArn: string;

  private readonly clock: () => number;
  private readonly random: () => number;
  private readonly upstreamUrl: URL;
  private readonly agent = new http.Agent({ keepAlive: true });
  /** When each role's CreateRole answer passed through, by role ARN. */
  private readonly roleCreatedAt = new Map<string, number>();
  private readonly forwarded: Record<string, Record<string, number>> = {};
  private readonly accessDenied: Record<string, number> = {};
  private readonly throttled: Record<string, number> = {};
  private readonly rolesCreated: string[] = [];
  private readonly stsCalls: StsCallRecord[] = [];
  private stopped: Promise<void> | undefined;

  /** Starts a proxy on a free loopback port; resolves once it listens. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    try {
      return new FaultProxy(server, options);
    } catch (err) {
      server.close();
      throw err;
    }
  }

  private constructor(
    private readonly server: http.Server,
    options: FaultProxyOptions,
  ) {
    const problems: string[] = [];
    this.propagationDelayMs = options.propagationDelayMs ?? 0;
    if (!Number.isFinite(this.propagationDelayMs) || this.propagationDelayMs < 0) {
      problems.push(`propagationDelayMs ${this.propagationDelayMs} must be a number of milliseconds, 0 or more`);
    }
    this.throttleShare = options.throttleShare ?? 0;
    if (!(this.throttleShare >= 0 && this.throttleShare <= 1)) {
      problems.push(`throttleShare ${this.throttleShare} must be a number from 0 to 1`);
    }
    this.seed = options.seed ?? 1;
    if (!Number.isInteger(this.seed) || this.seed < 0 || this.seed > 0xffffffff) {
      problems.push(`seed ${this.seed} must be an integer from 0 to 4294967295`);
    }
    this.upstreamUrl = new URL(options.upstream);
    if (this.upstreamUrl.protocol !== "http:") {
      problems.push(`upstream "${options.upstream}" must be an http:// endpoint`);
    }
    if (problems.length > 0) throw new Error(problems.join("; "));
    this.upstream = options.upstream;
    this.callerArn = options.callerArn ?? "the caller";
    this.clock = options.clock ?? Date.now;
    this.random = seededRandom(this.seed);
    this.endpoint = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => this.receive(req, res));
  }

  /** A copy of the counters as they are now. */
  counters(): FaultCounters {
    return structuredClone({
      forwarded: this.forwarded,
      accessDenied: this.accessDenied,
      throttled: this.throttled,
      rolesCreated: this.rolesCreated,
      stsCalls: this.stsCalls,
    });
  }

  /** Stops listening, closes every connection and waits until the server is closed. Safe to call twice. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      this.agent.destroy();
    });
    return this.stopped;
  }

  private receive(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => this.answer(req, Buffer.concat(chunks), res));
    req.on("error", () => res.destroy());
  }

  private answer(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const call = readCall(req, body);
    if (isThrottledService(call.service) && this.random() < this.throttleShare) {
      increment(this.throttled, call.service);
      this.inject(call, res, THROTTLING[call.service]());
      return;
    }
    if (call.service === "sts" && call.action === "AssumeRole") {
      const roleArn = call.params.get("RoleArn") ?? "";
      const createdAt = this.roleCreatedAt.get(roleArn);
      if (createdAt !== undefined && this.clock() - createdAt < this.propagationDelayMs) {
        increment(this.accessDenied, roleArn);
        this.inject(call, res, accessDenied(this.callerArn, roleArn));
        return;
      }
    }
    increment((this.forwarded[call.service] ??= {}), call.action);
    this.forward(call, req, body, res);
  }

  /** Notes the status of the answer to `call`, just before the client can get any of it. */
  private answering(call: Call, status: number): void {
    if (call.service === "sts") this.stsCalls.push(stsCallRecord(call, status));
  }

  private inject(call: Call, res: http.ServerResponse, answer: InjectedAnswer): void {
    const body = Buffer.from(answer.body, "utf8");
    this.answering(call, answer.status);
    res.writeHead(answer.status, { ...answer.headers, "Content-Type": "text/xml", "Content-Length": body.length });
    res.end(body);
  }

  /**
   * Sends the request upstream as it came and streams the answer back. A CreateRole answer is
   * read whole first, so that the role counts as created before its creator can act on it.
   */
  private forward(call: Call, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const isCreateRole = call.service === "iam" && call.action === "CreateRole";
    const upstreamReq = http.request(
      {
        protocol: this.upstreamUrl.protocol,
        hostname: this.upstreamUrl.hostname,
        port: this.upstreamUrl.port,
        method: req.method,
        path: req.url,
        // The raw headers, in their order and spelling, the client's Host among them; never a Host of its own.
        headers: req.rawHeaders,
        setHost: false,
        agent: this.agent,
      },
      (upstreamRes) => {
        const status = upstreamRes.statusCode ?? 502;
        if (!isCreateRole) {
          this.answering(call, status);
          res.writeHead(status, upstreamRes.statusMessage, upstreamRes.rawHeaders);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on("data", (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on("end", () => {
          const answer = Buffer.concat(chunks);
          if (status === 200) this.recordCreatedRole(answer, upstreamRes.headers["content-encoding"]);
          this.answering(call, status);
          res.writeHead(status, upstreamRes.statusMessage, upstreamRes.rawHeaders);
          res.end(answer);
        });
      },
    );
    upstreamReq.on("error", (err) => {
      if (res.headersSent) {
        res.destroy(err);
        return;
      }
      const text = Buffer.from(`fault proxy: the upstream ${this.upstream} did not answer: ${err.message}\n`);
      this.answering(call, 502);
      res.writeHead(502, { "Content-Type": "text/plain", "Content-Length": text.length });
      res.end(text);
    });
    res.on("close", () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.end(body);
  }

  /** Notes the role of a successful CreateRole answer; an answer it cannot decode (not gzip, or broken) it leaves alone. */
  private recordCreatedRole(answer: Buffer, encoding: string | undefined): void {
    const xml = decodedBody(answer, encoding)?.toString("utf8") ?? "";
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(xml)?.[1];
    if (!arn) return;
    this.roleCreatedAt.set(arn, this.clock());
    this.rolesCreated.push(arn);
  }
}
