import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { S3UploadUrlSigner } from '../src/s3.js';

describe('S3UploadUrlSigner', () => {
  it('signs create-only uploads of an exact size: If-None-Match and Content-Length are signed headers', async () => {
    const s3 = new S3Client({
      region: 'cn-north-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const signed = await new S3UploadUrlSigner(s3, 'uploads-bucket').presignPut(
      'uploads/civil-affairs/subsidy_payments/a.csv',
      900,
      { contentLength: 2048 },
    );
    const url = new URL(signed.url);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    // A PUT without these headers, or with another length, doesn't match the signature; with
    // them, S3 refuses to overwrite an existing object (a reused URL fails with 412).
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'if-none-match', 'host']),
    );
    expect(signed.headers).toEqual({ 'If-None-Match': '*', 'Content-Length': '2048' });
  });
});
