/**
 * The error diagnostics in the output of a cdktf command, as the drills read them: cdktf takes
 * Terraform's frame off and prints each diagnostic as `<stack>  Error: <summary>`, then its detail
 * indented under it (a provider's nested `Error:` lines included), until the next line that is not
 * indented (cdktf's progress lines, another stack's output).
 */

/** A line of a cdktf command's output without the `<stack>  ` that cdktf puts before the first line of each piece of a stack's output. */
export function withoutStackPrefix(line: string): string {
  return line.replace(/^[\w-]+ {2}/, "");
}

/** Each error diagnostic of a cdktf command's output, its lines joined by single spaces. */
export function errorDiagnostics(output: string): string[] {
  const diagnostics: string[][] = [];
  let current: string[] | undefined;
  for (const line of output.split(/\r?\n/)) {
    const text = withoutStackPrefix(line);
    if (/^Error: /.test(text)) {
      current = [text];
      diagnostics.push(current);
    } else if (current && (/^\s/.test(line) || line === "")) {
      current.push(text);
    } else {
      current = undefined;
    }
  }
  return diagnostics.map((lines) => lines.join(" ").replace(/\s+/g, " ").trim());
}

/**
 * AWS's throttling errors as the AWS SDK for Go reports them once its retries are spent (IAM and
 * STS: `Throttling: Rate exceeded`; EC2: `RequestLimitExceeded: Request limit exceeded.`).
 */
const THROTTLING_ERROR = /\bapi error (Throttling: Rate exceeded|RequestLimitExceeded: Request limit exceeded)/;

/** Whether a diagnostic is an AWS throttling error that outlasted the SDK's retries. */
export function isThrottlingError(diagnostic: string): boolean {
  return THROTTLING_ERROR.test(diagnostic);
}
