/**
 * The code of an error of an STS call if the wait should try again (a refusal while IAM
 * propagates, throttling, a network error), else undefined. See wait-until-assumable.js.
 */
export function retryableCode(err: unknown): string | undefined;
