import * as fs from "fs";
import { AccessKey } from "./aws-clients";

/**
 * A shared-credentials file of the local run's own (never `~/.aws`). Written with mode 0600;
 * keys are never printed.
 */
export class CredentialsFile {
  private readonly profiles = new Map<string, AccessKey>();
  private readonly hidden = new Set<string>();

  constructor(public readonly path: string) {}

  /** Reads a credentials file this class wrote. */
  static load(file: string): CredentialsFile {
    const creds = new CredentialsFile(file);
    let profile: string | undefined;
    const values: Record<string, Record<string, string>> = {};
    for (const line of fs.readFileSync(file, "utf8").split("\n")) {
      const section = /^\[(.+)\]$/.exec(line.trim());
      if (section) {
        profile = section[1];
        values[profile] = {};
      } else if (profile && line.includes("=")) {
        const eq = line.indexOf("=");
        values[profile][line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
      }
    }
    for (const [name, v] of Object.entries(values)) {
      creds.profiles.set(name, {
        accessKeyId: v.aws_access_key_id,
        secretAccessKey: v.aws_secret_access_key,
        sessionToken: v.aws_session_token,
      });
    }
    return creds;
  }

  /** Adds or replaces a profile. */
  set(profile: string, key: AccessKey): void {
    this.profiles.set(profile, key);
    this.write();
  }

  /** The key of a profile, for SDK clients of the checks. */
  key(profile: string): AccessKey {
    const key = this.profiles.get(profile);
    if (!key) throw new Error(`no profile "${profile}" in ${this.path}`);
    return key;
  }

  /** Takes a profile out of the file, as the tutorial comments it out. */
  hide(profile: string): void {
    this.hidden.add(profile);
    this.write();
  }

  /** Puts a hidden profile back. */
  restore(profile: string): void {
    this.hidden.delete(profile);
    this.write();
  }

  /** Profile names now in the file. */
  visibleProfiles(): string[] {
    return [...this.profiles.keys()].filter((p) => !this.hidden.has(p));
  }

  private write(): void {
    const text = this.visibleProfiles()
      .map((name) => {
        const k = this.profiles.get(name)!;
        const lines = [
          `[${name}]`,
          `aws_access_key_id = ${k.accessKeyId}`,
          `aws_secret_access_key = ${k.secretAccessKey}`,
        ];
        if (k.sessionToken) lines.push(`aws_session_token = ${k.sessionToken}`);
        return lines.join("\n") + "\n";
      })
      .join("\n");
    fs.writeFileSync(this.path, text, { mode: 0o600 });
  }
}
