/** Kinds that several settings share, with one sentence each. */
import { PROFILE_NAME, REGION } from "../../constructs/shared/aws-names";
import { text } from "../kinds";
import { Setting } from "../setting";

/** An AWS region name. */
export function regionName(env: string): Setting<string> {
  return text(env, REGION, 'must be an AWS region name such as "us-east-1" or "eu-central-1"');
}

/** A profile of the shared credentials and config files. */
export function profileName(env: string): Setting<string> {
  return text(
    env,
    PROFILE_NAME,
    "must be 1 to 64 letters, digits or _.+@- (a shared-credentials profile name), starting with a letter or digit",
  );
}
