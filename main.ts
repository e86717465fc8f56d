import { App } from "cdktf";
import { defineStacks } from "./app";
import { ConfigError, loadConfig } from "./config";
import { formatTokenTracesPlainly } from "./token-traces";

formatTokenTracesPlainly();

const app = new App();
try {
  const config = loadConfig({ context: (key) => app.node.tryGetContext(key), env: process.env });
  defineStacks(app, config);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  // A settings error is the user's to fix: the message says what and how, a stack trace would bury it.
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
app.synth();
