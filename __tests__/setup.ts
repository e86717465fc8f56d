import { Testing } from "cdktf";
import { sdkNodeNotice } from "../scripts/lib/node-support";
import { formatTokenTracesPlainly } from "../token-traces";

// Adds toHaveResourceWithProperties, toBeValidTerraform and friends to expect().
Testing.setupJest();

// Jest maps every frame of every stack trace through source maps, also the records cdktf makes
// at every token's creation: 40 % of the unit suite's time. Failing tests keep mapped stacks.
formatTokenTracesPlainly();

// The AWS SDK's Node version notice, once per run (the summary reporter says it), not once in
// every worker and every CLI the tests start.
sdkNodeNotice();
