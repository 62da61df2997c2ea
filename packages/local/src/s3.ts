import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { LOCAL_REGION, type S3NotificationRecord } from './events.js';

/** The credentials s3rver checks signatures against. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** A running s3rver. */
export interface LocalS3 {
  readonly endpoint: string;
  readonly port: number;
  /** Requests s3rver has accepted and not finished answering (their events may still be coming). */
  inFlight(): number;
  /** Subscribe to S3 notification records (ObjectCreated and ObjectRemoved) of every bucket. */
  onRecord(listener: (record: S3NotificationRecord) => void): void;
  stop(): Promise<void>;
}

/**
 * An S3 client for s3rver: path-style addressing (no `bucket.127.0.0.1` hosts) and only the
 * checksums S3 requires (s3rver stores aws-chunked bodies with their trailers otherwise).
 */
export function createS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * CORS of the local buckets: pages served on this machine (the dashboard on the API's port)
 * may PUT to a presigned URL, as the upload bucket allows the dashboard's origin in AWS.
 */
const LOOPBACK_UPLOAD_CORS = `<CORSConfiguration>${['http://127.0.0.1:*', 'http://localhost:*']
  .map(
    (origin) =>
      `<CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds></CORSRule>`,
  )
  .join('')}</CORSConfiguration>`;

/**
 * Start s3rver on 127.0.0.1:`port`, persisting in `directory`, with `buckets` created if missing
 * (existing ones and their objects are kept).
 *
 * Objects are files in `directory` (a county's uploads, shards and findings: hundreds of MB at
 * a million persons), streamed to and from disk without fsync, so they cost the OS's page
 * cache, not this process's memory. s3rver runs in this process's main thread, beside the
 * workflow interpreter: the function workers' S3 traffic is I/O here, not their CPU.
 */
export async function startS3rver(options: {
  directory: string;
  port: number;
  buckets: readonly string[];
}): Promise<LocalS3> {
  const directory = resolve(options.directory);
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    address: '127.0.0.1',
    port: options.port,
    directory,
    // s3rver logs every request (and warns about existing buckets) otherwise.
    silent: true,
    // The staff dashboard PUTs uploads straight to the presigned URL from the API's port.
    configureBuckets: options.buckets.map((name) => ({ name, configs: [LOOPBACK_UPLOAD_CORS] })),
  });
  const listeners: ((record: S3NotificationRecord) => void)[] = [];
  server.on('event', (event: { Records?: S3NotificationRecord[] }) => {
    for (const record of event.Records ?? []) {
      for (const listener of listeners) listener(record);
    }
  });
  const address = await server.run();

  // s3rver emits the notification while handling the request, before it answers. Counting
  // open requests lets "idle" mean "no event can still arrive for a request already sent".
  let inFlight = 0;
  server.httpServer?.on('request', (_request, response) => {
    inFlight += 1;
    response.once('close', () => {
      inFlight -= 1;
    });
  });

  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    inFlight: () => inFlight,
    onRecord: (listener) => {
      listeners.push(listener);
    },
    stop: async () => {
      const closing = server.close();
      // Keep-alive sockets of SDK clients would hold close() open until they time out.
      server.httpServer?.closeAllConnections();
      await closing;
    },
  };
}
