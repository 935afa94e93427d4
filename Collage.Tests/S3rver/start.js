// Starts s3rver for Collage's tests (Collage.Tests/Common/S3rverServer.cs):
//   node --openssl-legacy-provider start.js <port> <directory> <bucket>
// (s3rver encrypts ListObjectsV2 continuation tokens with DES, which node 20's OpenSSL 3 has only in its legacy
// provider: without the flag every listing past the first page answers 500 InternalError)
// prints "s3rver-ready" once it listens on 127.0.0.1:<port>.
//
// One fix to s3rver 4.0.4: SigV4's canonical URI is the request's path as sent, but s3rver rebuilds it from the bucket
// and key, which drops the trailing slash AWSSDK.S3 sends on bucket-level requests (GET /collage/?list-type=2): every
// ListObjectsV2 of the .NET SDK failed with SignatureDoesNotMatch (403). The path as sent is carried to the signature
// check in a header of its own; it is used only where it differs from s3rver's by that trailing slash.
//
// A second: s3rver writes an object's file in place as its body arrives, so a GET during a PUT reads a torn object
// (a prefix of the bytes, answered as if whole). AWS S3, MinIO and Ceph make a PUT visible only once it completed, and
// Collage relies on that (a replica reads what another is uploading as soon as it is there): the body is written
// beside the store and renamed into place after its metadata, one rename(2), as those servers behave.
'use strict';

const crypto = require('crypto');
const fs = require('fs/promises');
const path = require('path');
const S3rver = require('@20minutes/s3rver');
const FilesystemStore = require('@20minutes/s3rver/lib/stores/filesystem');
const { ensureDir } = require('@20minutes/s3rver/lib/utils');
const v4 = require('@20minutes/s3rver/lib/signature/v4');

FilesystemStore.prototype.putObject = async function putObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  // Outside the root (whose folders are buckets), on the same file system, so the rename is atomic.
  const partials = path.join(path.dirname(this.rootDirectory), 's3rver-partial');
  await ensureDir(partials);
  await ensureDir(path.dirname(objectPath));
  const partial = path.join(partials, crypto.randomBytes(12).toString('hex'));
  const [size, md5] = await this.putContent(partial, object.content);
  await this.putMetadata(object.bucket, object.key, object.metadata, md5);
  await fs.rename(partial, objectPath);
  return { size, md5 };
};

const RAW_PATH = 'x-collage-test-raw-path';
const [port, directory, bucket] = process.argv.slice(2);

const getStringToSign = v4.getStringToSign;
v4.getStringToSign = (canonicalRequest, signature) => {
  const raw = canonicalRequest.headers[RAW_PATH];
  const uri = raw === canonicalRequest.uri + '/' ? raw : canonicalRequest.uri;
  return getStringToSign({ ...canonicalRequest, uri }, signature);
};

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});
const callback = server.callback.bind(server);
server.callback = () => {
  const handle = callback();
  return (req, res) => {
    req.headers[RAW_PATH] = req.url.split('?')[0];
    return handle(req, res);
  };
};

server.run().then(
  () => console.log('s3rver-ready'),
  (error) => {
    console.error(error.message);
    process.exit(1);
  },
);
