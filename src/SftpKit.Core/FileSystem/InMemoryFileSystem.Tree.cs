namespace SftpKit.FileSystem;

/// <summary>Tree operations of <see cref="InMemoryFileSystem"/>: path resolution, links, sizes. Callers hold <see cref="Gate"/>.</summary>
public sealed partial class InMemoryFileSystem
{
    internal readonly record struct Lookup(InMemoryDirectory? Parent, string Name, InMemoryNode? Node);

    /// <summary>
    /// Walks <paramref name="path"/>, following links in every segment but the last (and the last too when
    /// <paramref name="followFinal"/>). Parent is null only for the root itself.
    /// </summary>
    internal Lookup Resolve(string path, bool followFinal)
    {
        ArgumentNullException.ThrowIfNull(path);
        var pending = InMemoryEntries.SplitPath(VirtualPath.Normalize(path));
        int hops = 0;
        while (true)
        {
            InMemoryDirectory dir = _root;
            string dirPath = VirtualPath.Root;
            bool restarted = false;
            for (int i = 0; i < pending.Count && !restarted; i++)
            {
                string name = pending[i];
                dir.Children.TryGetValue(name, out var node);
                bool last = i == pending.Count - 1;
                if (node is InMemorySymbolicLink link && (!last || followFinal))
                {
                    if (++hops > MaxLinkHops)
                    {
                        throw new VfsException(VfsError.Failure, "Too many levels of symbolic links.");
                    }
                    var next = InMemoryEntries.SplitPath(VirtualPath.Normalize(link.Target, dirPath));
                    next.AddRange(pending.Skip(i + 1));
                    pending = next;
                    restarted = true;
                    continue;
                }
                if (last)
                {
                    return new Lookup(dir, name, node);
                }
                if (node is null)
                {
                    throw new VfsException(VfsError.NotFound, "A parent directory does not exist.");
                }
                dir = node as InMemoryDirectory ?? throw new VfsException(VfsError.NotADirectory, "A path segment is not a directory.");
                dirPath = VirtualPath.Combine(dirPath, name);
            }
            if (!restarted)
            {
                return new Lookup(null, VirtualPath.Root, _root);
            }
        }
    }

    internal void Link(InMemoryDirectory parent, string name, InMemoryNode node)
    {
        parent.Children.Add(name, node);
        parent.LastWriteTime = Now;
        if (node.LinkCount++ == 0)
        {
            _nodeCount++;
        }
    }

    internal void Unlink(InMemoryDirectory parent, string name)
    {
        var node = parent.Children[name];
        parent.Children.Remove(name);
        parent.LastWriteTime = Now;
        if (--node.LinkCount == 0)
        {
            _nodeCount--;
            ReleaseTree(node);
        }
    }

    /// <summary>Returns the bytes of an unlinked node (and, for a directory, of everything under it).</summary>
    private void ReleaseTree(InMemoryNode node)
    {
        if (node is InMemoryFile { Counted: true } file)
        {
            file.Counted = false;
            _usedBytes -= file.Length;
        }
        else if (node is InMemoryDirectory dir)
        {
            foreach (var name in dir.Children.Keys.ToArray())
            {
                Unlink(dir, name);
            }
        }
    }

    /// <summary>Checks capacity for growing <paramref name="file"/> to <paramref name="newLength"/> and accounts for it.</summary>
    internal void Resize(InMemoryFile file, long newLength)
    {
        long delta = newLength - file.Length;
        if (file.Counted && delta > 0 && _capacityBytes is { } capacity && _usedBytes + delta > capacity)
        {
            throw new VfsException(VfsError.NoSpace, "No space left.");
        }
        if (file.Counted)
        {
            _usedBytes += delta;
        }
    }
}
