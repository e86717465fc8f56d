import { randomBytes } from "crypto";
import { EC2Client } from "@aws-sdk/client-ec2";
import { IAMClient } from "@aws-sdk/client-iam";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";
import type { MiddlewareStack } from "@smithy/types";

/** An access key pair. Never printed or logged. */
export interface AccessKey {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** Who a client acts as in the emulator: a key pair, or (bootstrap only) an account id. */
export type Identity = { readonly key: AccessKey } | { readonly accountId: string };

/** SDK clients for one identity. */
export interface AwsClients {
  readonly ec2: EC2Client;
  readonly iam: IAMClient;
  readonly sts: STSClient;
  readonly s3: S3Client;
}

/** A throwaway key pair that exists nowhere: the emulator places its requests by header. */
function unsignedKey(): AccessKey {
  return {
    accessKeyId: `TEST${randomBytes(8).toString("hex").toUpperCase()}`,
    secretAccessKey: randomBytes(20).toString("hex"),
  };
}

/** Adds moto's account header to every request of a client. */
function placeInAccount<I extends object, O extends object>(stack: MiddlewareStack<I, O>, accountId: string): void {
  stack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers["x-moto-account-id"] = accountId;
      return next(args);
    },
    { step: "build", name: "motoAccountHeader" },
  );
}

/** SDK clients that talk to the emulator at `endpoint` as `identity`. */
export function emulatorClients(endpoint: string, region: string, identity: Identity): AwsClients {
  const key = "key" in identity ? identity.key : unsignedKey();
  const config = { endpoint, region, credentials: key, maxAttempts: 2 };
  const clients: AwsClients = {
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
  };
  if ("accountId" in identity) {
    // moto files a request under the account this header names.
    placeInAccount(clients.ec2.middlewareStack, identity.accountId);
    placeInAccount(clients.iam.middlewareStack, identity.accountId);
    placeInAccount(clients.sts.middlewareStack, identity.accountId);
    placeInAccount(clients.s3.middlewareStack, identity.accountId);
  }
  return clients;
}

/** Closes the clients' sockets. */
export function destroyClients(clients: AwsClients): void {
  for (const client of Object.values(clients)) client.destroy();
}
