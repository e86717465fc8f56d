import { formatTokenTracesPlainly } from "../token-traces";

type Formatter = ErrorConstructor["prepareStackTrace"];

/** Sets V8's stack trace formatter; Node's types omit that it may be unset. */
function setFormatter(hook: Formatter | undefined): void {
  (Error as { prepareStackTrace?: Formatter }).prepareStackTrace = hook;
}

/** Runs `fn` with `hook` as the stack trace formatter, then puts the one before back. */
function withFormatter(hook: Formatter | undefined, fn: () => void): void {
  const before = Error.prepareStackTrace;
  setFormatter(hook);
  try {
    fn();
  } finally {
    setFormatter(before);
  }
}

/** A formatter that marks what it formatted, as a source map hook would map it. */
const mapped: Formatter = (target) => `mapped: ${Object.prototype.toString.call(target)}`;

/** A stack trace recorded on a plain object, as cdktf records a token's creation. */
function recordOnObject(): string {
  const record = { stack: "" };
  Error.captureStackTrace(record);
  return record.stack;
}

describe("formatTokenTracesPlainly", () => {
  it("formats stack traces recorded on plain objects without the source map hook, every frame kept", () => {
    withFormatter(mapped, () => {
      // WHEN
      formatTokenTracesPlainly();
      const stack = recordOnObject();

      // THEN
      expect(stack).not.toContain("mapped:");
      expect(stack.split("\n")[0]).toBe("[object Object]");
      expect(stack.split("\n")[1]).toMatch(/^ {4}at recordOnObject \(.*token-traces\.spec\.ts:\d+:\d+\)$/);
    });
  });

  it("leaves the stacks of errors to the source map hook", () => {
    withFormatter(mapped, () => {
      // WHEN
      formatTokenTracesPlainly();

      // THEN
      expect(new Error("boom").stack).toBe("mapped: [object Error]");
    });
  });

  it("changes nothing where no hook formats stack traces", () => {
    withFormatter(undefined, () => {
      // WHEN
      formatTokenTracesPlainly();

      // THEN
      expect(Error.prepareStackTrace).toBeUndefined();
    });
  });
});
