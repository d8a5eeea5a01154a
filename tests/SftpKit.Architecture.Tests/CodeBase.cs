namespace SftpKit.Architecture.Tests;

/// <summary>Where a type sits: its layer and its namespace as the folders give it (a root-namespace type declared in
/// src/SftpKit.Core/Ssh/Authentication is in <c>SftpKit.Ssh.Authentication</c>).</summary>
public sealed record Placement(string Layer, string Namespace);

/// <summary>A dependency of one type on a type of another layer.</summary>
public sealed record LayerEdge(string FromLayer, string ToLayer, TypeName From, TypeName To)
{
    /// <summary>The edge as the baseline writes it: <c>FromLayer -> ToLayer: FromType -> ToType</c>.</summary>
    public string Line => $"{FromLayer} -> {ToLayer}: {From.FullName} -> {To.FullName}";
}

/// <summary>
/// The built SftpKit assemblies (copied beside this test), every top-level type's placement and every type-level
/// dependency between them.
/// </summary>
public sealed class CodeBase
{
    private static readonly Lazy<CodeBase> s_current = new(Load);

    private readonly IReadOnlyDictionary<string, SourceLayout> _sources;

    private CodeBase(
        IReadOnlyDictionary<TypeName, Placement> placements,
        IReadOnlyList<(TypeName From, TypeName To)> dependencies,
        IReadOnlyList<string> problems,
        IReadOnlyDictionary<string, SourceLayout> sources)
    {
        Placements = placements;
        Dependencies = dependencies;
        Problems = problems;
        _sources = sources;
    }

    /// <summary>The assemblies as built for this test run.</summary>
    public static CodeBase Current => s_current.Value;

    /// <summary>Every top-level type SftpKit declares in source, by name.</summary>
    public IReadOnlyDictionary<TypeName, Placement> Placements { get; }

    /// <summary>Every reference of a placed type to another placed type.</summary>
    public IReadOnlyList<(TypeName From, TypeName To)> Dependencies { get; }

    /// <summary>Types that could not be placed (unknown layer, root-namespace type without a source folder).</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Every dependency that crosses layers.</summary>
    public IEnumerable<LayerEdge> LayerEdges =>
        from d in Dependencies
        let source = Placements[d.From]
        let target = Placements[d.To]
        where source.Layer != target.Layer
        select new LayerEdge(source.Layer, target.Layer, d.From, d.To);

    /// <summary>
    /// Using directives that import a namespace of a layer the file's layer must not depend on while no type the file
    /// declares depends on that layer (a dependency that does exist is judged by the type-level rules and baseline):
    /// an unused or comment-only forbidden import, e.g. <c>using SftpKit.Sftp;</c> added to a file of Ssh. A file that
    /// declares types of several layers is judged for each of them.
    /// </summary>
    public IEnumerable<string> ForbiddenUsings()
    {
        var reaches = Dependencies.Select(d => (d.From, Placements[d.To].Layer)).ToHashSet();
        foreach (var (assembly, source) in _sources)
        {
            foreach (var file in source.Files)
            {
                var declared = file.Types.Select(t => Name(assembly, t)).Where(Placements.ContainsKey).ToList();
                var layers = declared.Select(t => Placements[t].Layer).Distinct().ToList();
                if (layers.Count == 0)
                {
                    string folderLayer = Layers.Packages.GetValueOrDefault(assembly) ?? file.Folder.Split('/')[0];
                    layers = Layers.Core.Contains(folderLayer) || Layers.Packages.Values.Contains(folderLayer) ? [folderLayer] : [];
                }
                foreach (var directive in file.Usings)
                {
                    string[] parts = directive.Name.Split('.');
                    if (parts.Length < 2 || parts[0] != "SftpKit" || !Layers.Core.Contains(parts[1]))
                    {
                        continue;
                    }
                    string target = parts[1];
                    if (declared.Any(t => reaches.Contains((t, target))))
                    {
                        continue; // used: the type-level rules and the baseline judge the dependency
                    }
                    foreach (string layer in layers)
                    {
                        var broken = Layers.Broken(layer, target).Select(r => r.Description).ToList();
                        if (broken.Count > 0)
                        {
                            yield return $"src/{source.Project}/{file.Path}:{directive.Line}: using {directive.Name} ({layer} -> {target}; breaks: {string.Join("; ", broken)})";
                        }
                    }
                }
            }
        }
    }

    private static TypeName Name(string assembly, string fullName)
    {
        int dot = fullName.LastIndexOf('.');
        return new TypeName(assembly, dot < 0 ? "" : fullName[..dot], fullName[(dot + 1)..]);
    }

    private static CodeBase Load()
    {
        var sources = new Dictionary<string, SourceLayout>(StringComparer.Ordinal)
        {
            [Layers.CoreAssembly] = SourceLayout.Read("SftpKit.Core"),
        };
        foreach (string package in Layers.Packages.Keys)
        {
            sources[package] = SourceLayout.Read(package);
        }
        var core = sources[Layers.CoreAssembly];
        var placements = new Dictionary<TypeName, Placement>();
        var problems = new List<string>();
        var assemblies = new[] { Layers.CoreAssembly }.Concat(Layers.Packages.Keys)
            .Select(a => TypeDependencyReader.Read(Path.Combine(AppContext.BaseDirectory, a + ".dll")))
            .ToList();
        foreach (var assembly in assemblies)
        {
            foreach (var type in assembly.Types.Where(t => !t.IsCompilerGenerated))
            {
                var placement = Place(type.Name, core, out string? problem);
                if (placement is not null)
                {
                    placements.Add(type.Name, placement);
                }
                else if (problem is not null)
                {
                    problems.Add(problem);
                }
            }
        }
        foreach (string split in Layers.SplitTypes.Keys.Where(t => core.FoldersOf(t).Count < 2))
        {
            problems.Add($"{split}: in Layers.SplitTypes but no longer split across folders of src/SftpKit.Core (delete the entry)");
        }
        var dependencies =
            (from assembly in assemblies
             from pair in assembly.References
             where placements.ContainsKey(pair.Key)
             from target in pair.Value
             where placements.ContainsKey(target)
             orderby pair.Key.FullName, target.FullName
             select (pair.Key, target)).ToList();
        return new CodeBase(placements, dependencies, problems, sources);
    }

    private static Placement? Place(TypeName type, SourceLayout core, out string? problem)
    {
        problem = null;
        if (Layers.Packages.TryGetValue(type.Assembly, out string? package))
        {
            return new Placement(package, type.Namespace);
        }
        if (type.Assembly != Layers.CoreAssembly)
        {
            return null;
        }
        string ns = type.Namespace;
        if (!ns.StartsWith("SftpKit.", StringComparison.Ordinal))
        {
            // The root namespace, or Microsoft.Extensions.DependencyInjection for builder extensions: the folder decides.
            var folders = core.FoldersOf(type.FullName);
            if (folders.Count > 1 && Layers.SplitTypes.TryGetValue(type.FullName, out string? layer))
            {
                return new Placement(layer, "SftpKit." + layer);
            }
            if (folders.Count != 1 || folders.Single().Length == 0)
            {
                problem = folders.Count == 0
                    ? $"{type.FullName}: its namespace '{ns}' names no layer and no file of src/SftpKit.Core declares it"
                    : $"{type.FullName}: its namespace '{ns}' names no layer and it is declared in '{string.Join("', '", folders.Order(StringComparer.Ordinal))}' of src/SftpKit.Core, not in one layer's folder (move it, or place it in Layers.SplitTypes)";
                return null;
            }
            ns = "SftpKit." + folders.Single().Replace('/', '.');
        }
        string name = ns.Split('.')[1];
        if (!Layers.Core.Contains(name))
        {
            problem = $"{type.FullName}: namespace {ns} is in no known layer of SftpKit.Core (add '{name}' to Layers.Core and give it rules)";
            return null;
        }
        return new Placement(name, ns);
    }
}
