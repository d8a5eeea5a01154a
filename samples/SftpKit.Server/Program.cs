using System.CommandLine;
using SftpKit.Server;

// SftpKit sample server. `SftpKit.Server --help` lists the commands; README.md ("The sample server") documents them,
// the configuration (sftpkit.json / sftpkit.yaml / SFTPKIT__ environment variables) and the admin API.
//   serve (default)   SFTP on 2022 and the admin API on http://127.0.0.1:8080 (--config-dir, --port, --user, --log-*)
//   users add|list|remove|passwd, initprovider, --version
//   --stdio-sftp ROOT one SFTP session on stdin/stdout over ROOT, then exit (sftp -D "... --stdio-sftp ROOT")
SampleSocketScheduling.PreferInlineCompletions();
if (args is ["--stdio-sftp", var stdioRoot])
{
    return await StdioSftp.RunAsync(stdioRoot);
}

var parse = SampleCommandLine.Build().Parse(args);
// The host handles SIGINT/SIGTERM itself and drains connections (SftpKit:Limits:ShutdownTimeout).
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
