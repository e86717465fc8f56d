import { types } from "util";

/**
 * Formats the stack traces that cdktf records at every token's creation in V8's plain format,
 * without source maps; errors keep their source-mapped stacks.
 *
 * cdktf records where each token was created (a stack trace of unlimited depth on a plain
 * object, for its own error messages), and a resource creates dozens of tokens. Where a source
 * map hook formats stack traces (ts-node's, which runs the app; jest's, which runs the tests),
 * every frame of every such record is mapped through the source maps: that was a third of the
 * synth's time per target (bench/results/scale.md) and 40 % of the unit suite's. The records
 * keep every frame, with positions in the compiled JavaScript instead of the TypeScript.
 */
export function formatTokenTracesPlainly(): void {
  const sourceMapped = Error.prepareStackTrace;
  if (!sourceMapped) return;
  Error.prepareStackTrace = (target, frames) =>
    types.isNativeError(target)
      ? sourceMapped(target, frames)
      : [Object.prototype.toString.call(target), ...frames.map((frame) => `    at ${frame}`)].join("\n");
}
