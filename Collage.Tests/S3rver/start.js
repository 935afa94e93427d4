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
'use strict';

const S3rver = require('@20minutes/s3rver');
const v4 = require('@20minutes/s3rver/lib/signature/v4');

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
