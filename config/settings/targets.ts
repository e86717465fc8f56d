import { json } from "../kinds";
import { group } from "./group";

/** How a target looks, as the messages and the docs say it. */
export const TARGETS_SHAPE =
  'must be a list of objects such as [{"name": "prod", "destinationProfile": "prod"}] (environment: JSON)';

/** Several destinations, each its own pair of stacks. */
export const TARGET_SETTINGS = group(
  "Targets",
  "Without `targets`, the app makes one pair of stacks, `iam-stack` and `ec2-stack`. Each target " +
    "makes its own pair, `iam-stack-<name>` and `ec2-stack-<name>`, from the top-level settings " +
    'and its own values of the settings marked "per target" above ' +
    "([several destination accounts](targets.md)).",
  {
    targets: json("TARGETS", TARGETS_SHAPE)
      .defaultIs("none: one pair `iam-stack`, `ec2-stack`")
      .common()
      .about(
        "Destinations, each with a `name` (1 to 24 lowercase letters, digits or dashes) and the settings it overrides.",
      ),
  },
);
