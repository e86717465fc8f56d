/** Thrown when one or more settings are invalid; its message lists each problem on a line. */
export class ConfigError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(
      problems.length === 1
        ? `Invalid setting: ${problems[0]}`
        : `Invalid settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}
