using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SftpKit.Architecture.Tests;

/// <summary>
/// Which folder of a project declares each of its top-level types, read from the source tree with Roslyn's parser
/// (no compilation). The layer of a type whose namespace names none (the root namespace <c>SftpKit</c>, or
/// <c>Microsoft.Extensions.DependencyInjection</c> for the builder extensions) is the folder its file sits in.
/// </summary>
public sealed class SourceLayout
{
    private readonly Dictionary<string, HashSet<string>> _folders;

    private SourceLayout(string project, Dictionary<string, HashSet<string>> folders, List<SourceFile> files)
    {
        Project = project;
        _folders = folders;
        Files = files;
    }

    /// <summary>The project's folder name under src/.</summary>
    public string Project { get; }

    /// <summary>The project's source files, with the types they declare and the namespaces they import.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>The repository root (the directory holding SftpKit.sln), found above the test's output directory.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Reads every <c>.cs</c> file under <c>src/<paramref name="project"/></c> (bin/ and obj/ aside).</summary>
    public static SourceLayout Read(string project)
    {
        string root = Path.Combine(RepositoryRoot, "src", project);
        var folders = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var files = new List<SourceFile>();
        foreach (string file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal))
            {
                continue;
            }
            string folder = Path.GetDirectoryName(relative)!.Replace('\\', '/');
            var tree = CSharpSyntaxTree.ParseText(File.ReadAllText(file), path: file);
            var unit = tree.GetCompilationUnitRoot();
            var types = new List<string>();
            Visit(unit.Members, "", folder, folders, types);
            var usings = unit.DescendantNodes().OfType<UsingDirectiveSyntax>()
                .Where(u => u.NamespaceOrType is not null)
                .Select(u => new SourceUsing(u.NamespaceOrType!.ToString(), u.GetLocation().GetLineSpan().StartLinePosition.Line + 1))
                .ToList();
            files.Add(new SourceFile(relative, folder, types, usings));
        }
        return new SourceLayout(project, folders, files);
    }

    /// <summary>The folders (relative to the project, <c>/</c>-separated, <c>""</c> for the project's own folder)
    /// whose files declare the top-level type <paramref name="fullName"/> (metadata name, <c>`N</c> for generics):
    /// more than one for a partial type split across folders, none for a type the compiler or a generator made.</summary>
    public IReadOnlyCollection<string> FoldersOf(string fullName) =>
        _folders.TryGetValue(fullName, out var folders) ? folders : [];

    private static void Visit(SyntaxList<MemberDeclarationSyntax> members, string ns, string folder, Dictionary<string, HashSet<string>> folders, List<string> types)
    {
        foreach (var member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax n:
                    Visit(n.Members, ns.Length == 0 ? n.Name.ToString() : ns + "." + n.Name, folder, folders, types);
                    break;
                case BaseTypeDeclarationSyntax t when !t.Modifiers.Any(SyntaxKind.FileKeyword):
                    Add(ns, t.Identifier.Text, (t as TypeDeclarationSyntax)?.TypeParameterList?.Parameters.Count ?? 0);
                    break;
                case DelegateDeclarationSyntax d:
                    Add(ns, d.Identifier.Text, d.TypeParameterList?.Parameters.Count ?? 0);
                    break;
            }
        }

        void Add(string ns, string name, int arity)
        {
            string fullName = (ns.Length == 0 ? "" : ns + ".") + name + (arity > 0 ? "`" + arity : "");
            if (!folders.TryGetValue(fullName, out var set))
            {
                set = new HashSet<string>(StringComparer.Ordinal);
                folders.Add(fullName, set);
            }
            set.Add(folder);
            types.Add(fullName);
        }
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SftpKit.sln")))
        {
            directory = directory.Parent;
        }
        if (directory is not null)
        {
            return directory.FullName;
        }
        string? built = typeof(SourceLayout).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SftpKit.RepositoryRoot")?.Value;
        return built is not null && File.Exists(Path.Combine(built, "SftpKit.sln"))
            ? built
            : throw new InvalidOperationException($"No SftpKit.sln above {AppContext.BaseDirectory} nor at {built}.");
    }
}

/// <summary>A source file.</summary>
/// <param name="Path">Relative to the project, <c>/</c>-separated.</param>
/// <param name="Folder">Its folder, relative to the project.</param>
/// <param name="Types">The top-level types it declares (or a part of), by metadata name.</param>
/// <param name="Usings">Its using directives (global, static and alias ones too).</param>
public sealed record SourceFile(string Path, string Folder, IReadOnlyList<string> Types, IReadOnlyList<SourceUsing> Usings);

/// <summary>A using directive: the namespace or type it names, and its line.</summary>
public sealed record SourceUsing(string Name, int Line);
