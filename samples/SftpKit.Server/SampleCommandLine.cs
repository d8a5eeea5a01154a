using SftpKit;

namespace SftpKit.Server;

/// <summary>The sample's own flags; everything else goes to the generic host's configuration.</summary>
internal sealed class SampleCommandLine
{
    public string ConfigDirectory { get; private set; } = Path.GetFullPath("sftpkit-data");
    public int? Port { get; private set; }
    public string? Address { get; private set; }
    public List<SshUser> Users { get; } = [];
    public string[] RemainingArgs { get; private set; } = [];

    public static SampleCommandLine Parse(string[] args)
    {
        var result = new SampleCommandLine();
        var rest = new List<string>();
        var keys = new List<(string User, string Path)>();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--config-dir":
                    result.ConfigDirectory = Path.GetFullPath(Next());
                    break;
                case "--port":
                    result.Port = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "--address":
                    result.Address = Next();
                    break;
                case "--user":
                {
                    string value = Next();
                    int colon = value.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new ArgumentException("--user takes NAME:PASSWORD.");
                    }
                    result.Users.Add(new SshUser { UserName = value[..colon], Password = value[(colon + 1)..] });
                    break;
                }
                case "--authorized-key":
                {
                    string value = Next();
                    int colon = value.IndexOf(':', StringComparison.Ordinal);
                    if (colon <= 0)
                    {
                        throw new ArgumentException("--authorized-key takes NAME:PATH.");
                    }
                    keys.Add((value[..colon], value[(colon + 1)..]));
                    break;
                }
                default:
                    rest.Add(args[i]);
                    break;
            }
        }
        foreach (var (user, path) in keys)
        {
            var account = result.Users.FirstOrDefault(u => u.UserName == user);
            if (account is null)
            {
                account = new SshUser { UserName = user };
                result.Users.Add(account);
            }
            foreach (var line in File.ReadAllLines(path).Where(l => !string.IsNullOrWhiteSpace(l) && !l.TrimStart().StartsWith('#')))
            {
                account.AuthorizedKeys.Add(line.Trim());
            }
        }
        result.RemainingArgs = [.. rest];
        return result;
    }
}
