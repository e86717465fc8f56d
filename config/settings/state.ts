import { DYNAMODB_TABLE_NAME, KMS_KEY, S3_BUCKET_NAME, S3_KEY_PREFIX } from "../../constructs/shared/aws-names";
import { oneOf, text } from "../kinds";
import { group } from "./group";
import { profileName, regionName } from "./shared-kinds";

/** Where Terraform keeps the state of each stack. */
export const STATE_SETTINGS = group(
  "State",
  "Each stack has its own state: by default a local file `terraform.<stack>.tfstate`; with " +
    "`backend` `s3`, an object `<prefix>/<stack>.tfstate` in a bucket that `npm run bootstrap-state` " +
    "creates ([state](state.md)); with `cloud`, an HCP Terraform workspace (next section).",
  {
    stateDir: text("STATE_DIR", /^[^\0]{1,4096}$/, "must be a directory path")
      .default(".", "(the current directory)")
      .about("Directory of the local state files."),
    backend: oneOf("BACKEND", ["local", "s3", "cloud"])
      .default("local")
      .common()
      .about("Where the state lives: local files, S3, or HCP Terraform workspaces."),
    stateBucket: text(
      "STATE_BUCKET",
      S3_BUCKET_NAME,
      "must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots or dashes, starting and ending with a letter or digit",
    )
      .defaultIs('none; required with backend "s3"')
      .common()
      .about("S3 bucket of the state."),
    stateKeyPrefix: text(
      "STATE_KEY_PREFIX",
      S3_KEY_PREFIX,
      `must be 1 to 512 characters of letters, digits and !_.*'()/-, not starting with "/" nor containing "//"`,
    )
      .default("cdktf-assume-role")
      .about("Key prefix of the state objects: `<prefix>/<stack>.tfstate`."),
    stateKmsKeyId: text(
      "STATE_KMS_KEY_ID",
      KMS_KEY,
      'must be a KMS key ARN such as "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" or a key id (not an alias)',
    )
      .defaultIs("none: SSE-S3 (AES256)")
      .about(
        "KMS key of the S3 state: the backend's `kms_key_id`, and the bucket's default key that " +
          "`npm run bootstrap-state` sets. Without it, every state write asks for SSE-S3 (AES256).",
      ),
    stateRegion: regionName("STATE_REGION").defaultIs("`region`").about("Region of the state bucket."),
    stateProfile: profileName("STATE_PROFILE")
      .defaultIs('`sourceProfile`; with sourceAuth "web-identity", the token')
      .about("Profile that reads and writes the state."),
    stateLock: oneOf("STATE_LOCK", ["lockfile", "dynamodb"])
      .default("lockfile")
      .about("How the S3 state is locked: S3-native (Terraform 1.10+) or a DynamoDB table."),
    stateLockTable: text(
      "STATE_LOCK_TABLE",
      DYNAMODB_TABLE_NAME,
      "must be a DynamoDB table name: 3 to 255 letters, digits or _.-",
    )
      .defaultIs('none; required with stateLock "dynamodb"')
      .about("DynamoDB lock table."),
  },
);
