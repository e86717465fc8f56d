import { types } from "util";
import { Testing } from "cdktf";

// Adds toHaveResourceWithProperties, toBeValidTerraform and friends to expect().
Testing.setupJest();

// cdktf records where every token was created, for its own error messages: a stack trace of
// unlimited depth on a plain object, per token. Jest maps every frame of every stack trace
// through source maps, which for these records was 40 % of the unit suite's time. Records that
// are not errors get V8's plain format (the frames are all there, in compiled JavaScript);
// errors, which is what a failing test shows, keep their source-mapped stacks.
const sourceMapped = Error.prepareStackTrace;
if (sourceMapped) {
  Error.prepareStackTrace = (target, frames) =>
    types.isNativeError(target)
      ? sourceMapped(target, frames)
      : [Object.prototype.toString.call(target), ...frames.map((frame) => `    at ${frame}`)].join("\n");
}
