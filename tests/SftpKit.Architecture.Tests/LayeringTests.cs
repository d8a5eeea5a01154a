using System.Text;

namespace SftpKit.Architecture.Tests;

/// <summary>
/// SftpKit's layering (docs/architecture.md): every type-level dependency of the built assemblies is checked against
/// <see cref="Layers.Rules"/> and a forbidden one fails, as does a forbidden <c>using</c> directive and any dependency
/// between SftpKit.Core's namespaces that lies on a cycle. There is no list of known exceptions.
/// </summary>
public sealed class LayeringTests
{
    [Fact]
    public void Every_type_is_in_a_known_layer()
    {
        var problems = CodeBase.Current.Problems;

        Assert.True(problems.Count == 0,
            $"{problems.Count} type(s) of SftpKit cannot be placed in a layer:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void No_forbidden_dependency()
    {
        var added = ForbiddenEdges().OrderBy(e => e.Line, StringComparer.Ordinal).ToList();

        var message = new StringBuilder()
            .AppendLine($"{added.Count} dependenc{(added.Count == 1 ? "y breaks" : "ies break")} SftpKit's layering (docs/architecture.md):");
        foreach (var edge in added)
        {
            message.AppendLine($"  {edge.Line}").AppendLine($"      breaks: {string.Join("; ", Layers.Broken(edge.FromLayer, edge.ToLayer).Select(r => r.Description))}");
        }
        message.Append("Remove the dependency: depend on a seam in a lower layer, or move the type to the layer it belongs to.");
        Assert.True(added.Count == 0, message.ToString());
    }

    [Fact]
    public void No_forbidden_using_directive()
    {
        var imports = CodeBase.Current.ForbiddenUsings().ToList();

        Assert.True(imports.Count == 0,
            $"{imports.Count} using directive(s) import a namespace of a layer the file's layer must not depend on:\n  "
            + string.Join("\n  ", imports) + "\nRemove the using (and whatever needs it).");
    }

    [Fact]
    public void No_namespace_cycle()
    {
        var graph = new NamespaceGraph(CodeBase.Current);
        var added = graph.CycleEdges.ToList();

        var message = new StringBuilder()
            .AppendLine($"{added.Count} namespace dependenc{(added.Count == 1 ? "y closes" : "ies close")} a cycle inside SftpKit.Core:");
        foreach (var edge in added)
        {
            message.AppendLine($"  {edge.Line}, in the cycle:");
            foreach (var step in graph.CycleThrough(edge))
            {
                message.AppendLine($"      {step.Line}, e.g. {string.Join("; ", step.Evidence.Take(2).Select(d => $"{d.From} -> {d.To}"))}");
            }
        }
        message.Append("Remove one dependency of the cycle: the lower namespace must not know the higher one.");
        Assert.True(added.Count == 0, message.ToString());
    }

    [Fact]
    public void Report_the_edges_between_layers()
    {
        // Not a check: the layer-to-layer matrix in the test output, for reviews of the layering.
        var output = TestContext.Current.TestOutputHelper!;
        foreach (var pair in CodeBase.Current.LayerEdges
            .GroupBy(e => (e.FromLayer, e.ToLayer))
            .OrderBy(g => g.Key.FromLayer, StringComparer.Ordinal).ThenBy(g => g.Key.ToLayer, StringComparer.Ordinal))
        {
            string verdict = Layers.Broken(pair.Key.FromLayer, pair.Key.ToLayer).Any() ? "  FORBIDDEN" : "";
            output.WriteLine($"{pair.Key.FromLayer} -> {pair.Key.ToLayer}: {pair.Count()} type dependencies{verdict}");
        }
        Assert.NotEmpty(CodeBase.Current.Dependencies);
    }

    private static IEnumerable<LayerEdge> ForbiddenEdges() =>
        CodeBase.Current.LayerEdges.Where(e => Layers.Broken(e.FromLayer, e.ToLayer).Any());
}
