import { IamStatement, permissionStatements, statementLabel } from "./iam-statements";
import { PolicyRule } from "./rule";

const quoted = (items: readonly string[]): string => items.map((i) => JSON.stringify(i)).join(", ");

/** What a statement allows actions on, if that is every resource: `resource "*"` or all but a few. */
function everyResource(s: IamStatement): string | undefined {
  if (s.resources.includes("*")) return 'resource "*"';
  if (s.notResources.length > 0) return `every resource but ${quoted(s.notResources)} (NotResource)`;
  return undefined;
}

/** The ways a statement allows every action: `action "*"`, `action "*:*"`, or all but a few. */
function everyAction(s: IamStatement): string[] {
  const wildcards = s.actions.filter((a) => a === "*" || a === "*:*").map((a) => `action ${JSON.stringify(a)}`);
  return s.notActions.length > 0 ? [...wildcards, `every action but ${quoted(s.notActions)} (NotAction)`] : wildcards;
}

/**
 * No policy statement may allow every action (`*` or `*:*`) on every resource (`*`): that is
 * administrator access, far more than any deployment needs. `NotAction` and `NotResource` allow
 * everything but what they list, so an Allow statement with them counts as every action or every
 * resource.
 */
export const IamNoWildcardActionOnAllResources: PolicyRule = {
  name: "IamNoWildcardActionOnAllResources",
  level: "error",
  check({ type, attributes }) {
    return permissionStatements(type, attributes)
      .filter((s) => s.effect === "Allow")
      .flatMap((s) => {
        const resources = everyResource(s);
        if (resources === undefined) return [];
        return everyAction(s).map(
          (actions) =>
            `${statementLabel(s)} allows ${actions} on ${resources}, which is administrator ` +
            "access; list only the actions and resources needed",
        );
      });
  },
};
