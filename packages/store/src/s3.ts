import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  ObjectChangedError,
  type ObjectStore,
  type SignedUpload,
  type UploadUrlSigner,
} from '@jiandu/domain/ports';

/** S3 (or s3rver) as the platform's object store. */
export class S3ObjectStore implements ObjectStore {
  constructor(private readonly s3: S3Client) {}

  async *stream(bucket: string, key: string, ifMatch?: string): AsyncIterable<Uint8Array> {
    let out: GetObjectCommandOutput;
    try {
      out = await this.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(ifMatch ? { IfMatch: ifMatch } : {}) }),
      );
    } catch (error) {
      if ((error as Error)?.name === 'PreconditionFailed') throw new ObjectChangedError(bucket, key);
      throw error;
    }
    if (!out.Body) throw new Error(`Object s3://${bucket}/${key} has no body`);
    yield* out.Body as AsyncIterable<Uint8Array>;
  }

  async etag(bucket: string, key: string): Promise<string | undefined> {
    try {
      return (await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag ?? '';
    } catch (error) {
      const name = (error as Error)?.name;
      if (error instanceof NotFound || name === 'NotFound' || name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async versionId(bucket: string, key: string): Promise<string | undefined> {
    const id = (await this.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).VersionId;
    // Unversioned buckets (and s3rver) answer "null" or nothing.
    return id && id !== 'null' ? id : undefined;
  }

  async getBytes(bucket: string, key: string): Promise<Uint8Array | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body ? await out.Body.transformToByteArray() : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey || (error as Error)?.name === 'NoSuchKey') return undefined;
      throw error;
    }
  }

  async exists(bucket: string, key: string): Promise<boolean> {
    return (await this.etag(bucket, key)) !== undefined;
  }

  async put(bucket: string, key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ...(contentType ? { ContentType: contentType } : {}),
      }),
    );
  }
}

/**
 * Presigned `PutObject` URLs for one bucket (the upload bucket): a department PUTs its file
 * straight to S3, and the normal `Object Created` event ingests it.
 */
export class S3UploadUrlSigner implements UploadUrlSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async presignPut(
    key: string,
    expiresInSeconds: number,
    conditions: { readonly contentLength: number },
  ): Promise<SignedUpload> {
    const headers = { 'If-None-Match': '*', 'Content-Length': String(conditions.contentLength) };
    const url = await getSignedUrl(
      this.s3,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        IfNoneMatch: '*',
        ContentLength: conditions.contentLength,
      }),
      // Both stay signed headers (not hoisted into the query): S3 refuses a PUT without them.
      { expiresIn: expiresInSeconds, signableHeaders: new Set(['if-none-match', 'content-length']) },
    );
    return { url, headers };
  }
}
