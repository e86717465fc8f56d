import { isUnknown, PolicyRule, singleBlock } from "./rule";

/**
 * An EC2 instance must require IMDSv2 session tokens (`metadata_options.http_tokens = "required"`):
 * IMDSv1 answers any plain GET, so a server-side request forgery on the instance can read the
 * credentials of its role. An instance whose metadata endpoint is disabled complies.
 */
export const InstanceRequiresImdsv2: PolicyRule = {
  name: "InstanceRequiresImdsv2",
  level: "error",
  check({ type, attributes }) {
    if (type !== "aws_instance") return [];
    const options = singleBlock(attributes.metadata_options);
    if (options === "unknown") return [];
    const tokens = options?.http_tokens;
    const endpoint = options?.http_endpoint;
    if (tokens === "required" || endpoint === "disabled" || isUnknown(tokens) || isUnknown(endpoint)) return [];
    // Not set on the instance: a launch template may set it.
    if (tokens === undefined && attributes.launch_template !== undefined) return [];
    const actual = tokens === undefined ? "not set" : JSON.stringify(tokens);
    return [
      `metadata_options.http_tokens must be "required" (IMDSv2) but is ${actual}; ` +
        'set metadataOptions: { httpTokens: "required" }',
    ];
  },
};
