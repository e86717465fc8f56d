import * as path from "path";

/** The project's root directory: where package.json, cdktf.json and main.ts are. */
export const PROJECT_ROOT = path.resolve(__dirname, "..", "..");
