import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './events.js';

/** Lambda's 15-minute maximum, which is what `getRemainingTimeInMillis` counts down from. */
const LAMBDA_TIMEOUT_MS = 15 * 60 * 1000;

/** The ARN a function would have if deployed in the local account. */
export function localLambdaArn(functionName: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`;
}

/** A Lambda context object good enough for handlers (and Powertools) that read it. */
export function lambdaContext(functionName: string, memoryLimitInMB = '1024'): Context {
  const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: localLambdaArn(functionName),
    memoryLimitInMB,
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
