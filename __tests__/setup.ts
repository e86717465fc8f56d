import { Testing } from "cdktf";
import { formatTokenTracesPlainly } from "../token-traces";

// Adds toHaveResourceWithProperties, toBeValidTerraform and friends to expect().
Testing.setupJest();

// Jest maps every frame of every stack trace through source maps, also the records cdktf makes
// at every token's creation: 40 % of the unit suite's time. Failing tests keep mapped stacks.
formatTokenTracesPlainly();
