import { retryableCode } from "../constructs/wait-until-assumable";

/** A Node system error as `net` and `dns` raise it: named "Error", its code in `code`. */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe("the readiness wait's retry decision", () => {
  it.each([
    ["ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:4566"],
    ["ECONNRESET", "socket hang up"],
    ["ENOTFOUND", "getaddrinfo ENOTFOUND sts.us-east-1.amazonaws.com"],
    ["EAI_AGAIN", "getaddrinfo EAI_AGAIN sts.us-east-1.amazonaws.com"],
    ["ETIMEDOUT", "connect ETIMEDOUT 10.0.0.1:443"],
  ])("retries the network error %s, named Error as Node names it", (code, message) => {
    expect(retryableCode(systemError(code, message))).toBe(code);
  });

  it("retries a network error that the SDK wraps as the cause of its own", () => {
    const wrapped = Object.assign(new Error("request failed"), {
      name: "RequestFailure",
      cause: systemError("EAI_AGAIN", "getaddrinfo EAI_AGAIN sts.amazonaws.com"),
    });
    expect(retryableCode(wrapped)).toBe("EAI_AGAIN");
  });

  it.each(["AccessDenied", "Throttling", "IDPCommunicationError"])("retries the STS error %s", (name) => {
    expect(retryableCode(Object.assign(new Error("x"), { name }))).toBe(name);
  });

  it("retries what the SDK marks retryable, by its name", () => {
    expect(retryableCode(Object.assign(new Error("x"), { name: "SomethingNew", $retryable: {} }))).toBe("SomethingNew");
  });

  it("fails at once on what no retry mends: a malformed request, missing credentials, a plain error", () => {
    expect(retryableCode(Object.assign(new Error("x"), { name: "ValidationError" }))).toBeUndefined();
    expect(retryableCode(Object.assign(new Error("x"), { name: "CredentialsProviderError" }))).toBeUndefined();
    expect(retryableCode(new Error("x"))).toBeUndefined();
    expect(retryableCode("ECONNREFUSED")).toBeUndefined();
    expect(retryableCode(null)).toBeUndefined();
  });
});
