// Starts the S3 part of fauxqs (npm, installed by scripts/test.sh into $SFTPKIT_TOOLS/fauxqs) on 127.0.0.1 only:
// its own CLI listens on every interface. Usage: node s3-fauxqs.mjs <fauxqs dist/app.js> <port> [storage dir]
// With a storage directory objects are kept as files there; without one, in memory. Prints "listening" when up.
// FAUXQS_LOGGER=true logs every request to stdout.
import { pathToFileURL } from "node:url";

const [appJs, port, storageDir] = process.argv.slice(2);
const { buildApp } = await import(pathToFileURL(appJs).href);
const { S3Store } = await import(new URL("./s3/s3Store.js", pathToFileURL(appJs)).href);
const s3Store = new S3Store();
if (storageDir) {
  const { FileS3Persistence } = await import(new URL("./s3/fileS3Persistence.js", pathToFileURL(appJs)).href);
  s3Store.persistence = new FileS3Persistence(storageDir);
}
const app = buildApp({ logger: process.env.FAUXQS_LOGGER === "true", stores: { s3Store } });
// Only S3 is served: the SQS/SNS body parsers go, so an S3 request whose empty body carries the JSON protocol's
// content type (the .NET SDK's UploadPartCopy) reaches the S3 routes as raw bytes instead of failing to parse.
app.removeContentTypeParser("application/x-amz-json-1.0");
app.removeContentTypeParser("application/x-www-form-urlencoded");
await app.listen({ port: Number(port), host: "127.0.0.1" });
process.stdout.write("listening\n");
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => app.close().finally(() => process.exit(0)));
}
