using System.Buffers;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

// s3-direct-upload ENDPOINT BUCKET KEY FILE [PART_MIB] [CONCURRENCY] [ROUNDS]: reads FILE sequentially into part
// buffers and sends them with UploadPart, CONCURRENCY at a time (the same shape and defaults as SftpKit.Storage.S3's
// writer). Uploads ROUNDS times (default 1) in one process and prints each round's seconds on its own line, so the
// caller can tell the first, cold round (JIT, connection set-up) from warm ones.
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: ENDPOINT BUCKET KEY FILE [PART_MIB=5] [CONCURRENCY=5] [ROUNDS=1]");
    return 2;
}
string endpoint = args[0], bucket = args[1], key = args[2], file = args[3];
int partSize = (args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 5) * 1024 * 1024;
int concurrency = args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : 5;
int rounds = args.Length > 6 ? int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture) : 1;
var config = new AmazonS3Config
{
    ServiceURL = endpoint,
    AuthenticationRegion = "us-east-1",
    ForcePathStyle = true,
    RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
    ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
};
using var client = new AmazonS3Client(new BasicAWSCredentials("S3RVER", "S3RVER"), config);
try
{
    await client.PutBucketAsync(bucket);
}
catch (AmazonS3Exception)
{
}
for (int round = 0; round < rounds; round++)
{
    Console.WriteLine((await UploadOnceAsync()).ToString("F3", System.Globalization.CultureInfo.InvariantCulture));
}
return 0;

async Task<double> UploadOnceAsync()
{
    var started = System.Diagnostics.Stopwatch.StartNew();
    var upload = await client.InitiateMultipartUploadAsync(bucket, key);
    var parts = new List<PartETag>();
    var inFlight = new List<Task>();
    await using var input = File.OpenRead(file);
    for (int number = 1; ; number++)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(partSize);
        int filled = await input.ReadAtLeastAsync(buffer.AsMemory(0, partSize), partSize, throwOnEndOfStream: false);
        if (filled == 0 && number > 1)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            break;
        }
        while (inFlight.Count >= concurrency)
        {
            inFlight.Remove(await Task.WhenAny(inFlight));
        }
        int part = number;
        inFlight.Add(Task.Run(async () =>
        {
            var response = await client.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = upload.UploadId,
                PartNumber = part,
                InputStream = new MemoryStream(buffer, 0, filled, writable: false),
                UseChunkEncoding = false,
            });
            lock (parts)
            {
                parts.Add(new PartETag(part, response.ETag));
            }
            ArrayPool<byte>.Shared.Return(buffer);
        }));
        if (filled < partSize)
        {
            break;
        }
    }
    await Task.WhenAll(inFlight);
    await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
    {
        BucketName = bucket,
        Key = key,
        UploadId = upload.UploadId,
        PartETags = parts.OrderBy(p => p.PartNumber).ToList(),
    });
    return started.Elapsed.TotalSeconds;
}
