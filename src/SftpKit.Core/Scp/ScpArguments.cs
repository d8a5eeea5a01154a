namespace SftpKit.Scp;

/// <summary>The remote side's command line, <c>scp -t|-f [-r] [-p] [-d] [-v] [--] PATH...</c>, as OpenSSH's scp sends it.</summary>
internal sealed record ScpArguments(bool Sink, bool Recursive, bool Preserve, bool TargetMustBeDirectory, IReadOnlyList<string> Paths)
{
    public static bool TryParse(IReadOnlyList<string> words, out ScpArguments? arguments, out string? error)
    {
        arguments = null;
        error = null;
        bool? sink = null;
        bool recursive = false, preserve = false, directory = false;
        int i = 1;
        for (; i < words.Count; i++)
        {
            string word = words[i];
            if (word == "--")
            {
                i++;
                break;
            }
            if (word.Length < 2 || word[0] != '-')
            {
                break;
            }
            foreach (char flag in word.AsSpan(1))
            {
                switch (flag)
                {
                    case 't' or 'f':
                        if (sink is not null)
                        {
                            error = "only one of -t and -f may be given";
                            return false;
                        }
                        sink = flag == 't';
                        break;
                    case 'r':
                        recursive = true;
                        break;
                    case 'p':
                        preserve = true;
                        break;
                    case 'd':
                        directory = true;
                        break;
                    case 'v' or 'q' or 'T':
                        break;
                    default:
                        error = $"unsupported option -{flag}";
                        return false;
                }
            }
        }
        if (sink is null)
        {
            error = "remote scp needs -t or -f";
            return false;
        }
        var paths = words.Skip(i).ToList();
        if (paths.Count == 0 || (sink.Value && paths.Count != 1))
        {
            error = sink.Value ? "-t takes exactly one target" : "-f needs at least one path";
            return false;
        }
        arguments = new ScpArguments(sink.Value, recursive, preserve, directory, paths);
        return true;
    }
}
