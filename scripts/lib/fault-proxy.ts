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
 * `Authorization` header and actions by the `Action` of the query protocols (EC2, IAM, STS).
 */
import { randomUUID } from "crypto";
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

/** What a {@link FaultProxy} did so far. */
export interface FaultCounters {
  /** Requests forwarded, by service (from the SigV4 credential scope) and action: `iam` → `CreateRole` → 1. */
  readonly forwarded: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** AccessDenied answers injected into `AssumeRole`, by role ARN. */
  readonly accessDenied: Readonly<Record<string, number>>;
  /** Throttling answers injected, by service. */
  readonly throttled: Readonly<Partial<Record<ThrottledService, number>>>;
  /** ARNs of the roles whose `CreateRole` succeeded through the proxy, in order. */
  readonly rolesCreated: readonly string[];
}

/** Service name of requests without a SigV4 credential scope. */
const UNSIGNED = "unsigned";
/** Service name of the emulator's own API (`/moto-api/...`), which is never throttled. */
const EMULATOR_API = "moto-api";

const IAM_NAMESPACE = "https://iam.amazonaws.com/doc/2010-05-08/";
const STS_NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

/** An answer the proxy makes up instead of forwarding. */
interface InjectedAnswer {
  readonly status: number;
  readonly body: string;
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The error document of the AWS query protocol (IAM, STS). */
function queryError(namespace: string, code: string, message: string): string {
  return (
    `<ErrorResponse xmlns="${namespace}"><Error><Type>Sender</Type><Code>${code}</Code>` +
    `<Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
  );
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
  iam: () => ({ status: 400, body: queryError(IAM_NAMESPACE, "Throttling", "Rate exceeded") }),
  sts: () => ({ status: 400, body: queryError(STS_NAMESPACE, "Throttling", "Rate exceeded") }),
};

/** STS's answer to an AssumeRole of a role it does not know yet. */
function accessDenied(callerArn: string, roleArn: string): InjectedAnswer {
  const message = `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
  return { status: 403, body: queryError(STS_NAMESPACE, "AccessDenied", message) };
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
  const credential = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(req.headers.authorization ?? "");
  const presigned = /^[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request$/.exec(params.get("X-Amz-Credential") ?? "");
  const service = url.pathname.startsWith("/moto-api/")
    ? EMULATOR_API
    : (credential?.[1] ?? presigned?.[1] ?? UNSIGNED);
  const target = req.headers["x-amz-target"];
  const action = params.get("Action") ?? (typeof target === "string" ? target.split(".").pop()! : req.method!);
  return { service, action, params };
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
      this.inject(res, THROTTLING[call.service]());
      return;
    }
    if (call.service === "sts" && call.action === "AssumeRole") {
      const roleArn = call.params.get("RoleArn") ?? "";
      const createdAt = this.roleCreatedAt.get(roleArn);
      if (createdAt !== undefined && this.clock() - createdAt < this.propagationDelayMs) {
        increment(this.accessDenied, roleArn);
        this.inject(res, accessDenied(this.callerArn, roleArn));
        return;
      }
    }
    increment((this.forwarded[call.service] ??= {}), call.action);
    this.forward(req, body, res, call.service === "iam" && call.action === "CreateRole");
  }

  private inject(res: http.ServerResponse, answer: InjectedAnswer): void {
    const body = Buffer.from(answer.body, "utf8");
    res.writeHead(answer.status, { "Content-Type": "text/xml", "Content-Length": body.length });
    res.end(body);
  }

  /**
   * Sends the request upstream as it came and streams the answer back. A CreateRole answer is
   * read whole first, so that the role counts as created before its creator can act on it.
   */
  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, isCreateRole: boolean): void {
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
          res.writeHead(status, upstreamRes.statusMessage, upstreamRes.rawHeaders);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on("data", (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on("end", () => {
          const answer = Buffer.concat(chunks);
          if (status === 200) this.recordCreatedRole(answer, upstreamRes.headers["content-encoding"]);
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
      res.writeHead(502, { "Content-Type": "text/plain", "Content-Length": text.length });
      res.end(text);
    });
    res.on("close", () => {
      if (!res.writableFinished) upstreamReq.destroy();
    });
    upstreamReq.end(body);
  }

  private recordCreatedRole(answer: Buffer, encoding: string | undefined): void {
    const xml = (encoding === "gzip" ? gunzipSync(answer) : answer).toString("utf8");
    const arn = /<Arn>([^<]+)<\/Arn>/.exec(xml)?.[1];
    if (!arn) return;
    this.roleCreatedAt.set(arn, this.clock());
    this.rolesCreated.push(arn);
  }
}
