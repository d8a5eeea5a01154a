using System.Text;

namespace SftpKit.Architecture.Tests;

/// <summary>
/// SftpKit's layering as a ratchet (docs/architecture.md): every type-level dependency of the built assemblies is
/// checked against <see cref="Layers.Rules"/>; a forbidden one fails unless <see cref="LayeringBaseline"/> lists it as a
/// known violation, and a listed one that no longer occurs fails too, so the baseline only shrinks. The same holds for
/// the dependencies between SftpKit.Core's namespaces that lie on a cycle.
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
    public void No_forbidden_dependency_beyond_the_baseline()
    {
        var known = Lines(LayeringBaseline.ForbiddenEdges).ToHashSet(StringComparer.Ordinal);
        var added = ForbiddenEdges().Where(e => !known.Contains(e.Line)).OrderBy(e => e.Line, StringComparer.Ordinal).ToList();

        var message = new StringBuilder()
            .AppendLine($"{added.Count} dependenc{(added.Count == 1 ? "y breaks" : "ies break")} SftpKit's layering (docs/architecture.md) and {(added.Count == 1 ? "is" : "are")} not a known violation:");
        foreach (var edge in added)
        {
            message.AppendLine($"  {edge.Line}").AppendLine($"      breaks: {string.Join("; ", Layers.Broken(edge.FromLayer, edge.ToLayer).Select(r => r.Description))}");
        }
        message.Append("Remove the dependency (depend on a seam in a lower layer, or move the type to the layer it belongs to); "
            + "do not add it to LayeringBaseline.ForbiddenEdges, which only shrinks.");
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
    public void Every_baselined_violation_still_occurs()
    {
        var current = ForbiddenEdges().Select(e => e.Line).ToHashSet(StringComparer.Ordinal);
        var gone = Lines(LayeringBaseline.ForbiddenEdges).Where(l => !current.Contains(l)).ToList();

        Assert.True(gone.Count == 0,
            $"{gone.Count} known violation(s) no longer occur: delete these lines from LayeringBaseline.ForbiddenEdges "
            + "(the baseline only shrinks, and goes when it is empty):\n  " + string.Join("\n  ", gone));
    }

    [Fact]
    public void No_namespace_cycle_beyond_the_baseline()
    {
        var graph = new NamespaceGraph(CodeBase.Current);
        var known = Lines(LayeringBaseline.NamespaceCycleEdges).ToHashSet(StringComparer.Ordinal);
        var added = graph.CycleEdges.Where(e => !known.Contains(e.Line)).ToList();

        var message = new StringBuilder()
            .AppendLine($"{added.Count} new namespace dependenc{(added.Count == 1 ? "y closes" : "ies close")} a cycle inside SftpKit.Core:");
        foreach (var edge in added)
        {
            message.AppendLine($"  {edge.Line}, in the cycle:");
            foreach (var step in graph.CycleThrough(edge))
            {
                string mark = known.Contains(step.Line) ? " (known)" : "";
                message.AppendLine($"      {step.Line}{mark}, e.g. {string.Join("; ", step.Evidence.Take(2).Select(d => $"{d.From} -> {d.To}"))}");
            }
        }
        message.Append("Remove the dependency, or break the cycle at one of its known edges first; "
            + "do not add it to LayeringBaseline.NamespaceCycleEdges, which only shrinks.");
        Assert.True(added.Count == 0, message.ToString());
    }

    [Fact]
    public void Every_baselined_namespace_cycle_edge_still_closes_a_cycle()
    {
        var current = new NamespaceGraph(CodeBase.Current).CycleEdges.Select(e => e.Line).ToHashSet(StringComparer.Ordinal);
        var gone = Lines(LayeringBaseline.NamespaceCycleEdges).Where(l => !current.Contains(l)).ToList();

        Assert.True(gone.Count == 0,
            $"{gone.Count} known namespace dependenc{(gone.Count == 1 ? "y is" : "ies are")} no longer on a cycle: delete these lines from "
            + "LayeringBaseline.NamespaceCycleEdges (the baseline only shrinks):\n  " + string.Join("\n  ", gone));
    }

    [Fact]
    public void The_baseline_lists_each_violation_once_and_only_violations()
    {
        var problems = new List<string>();
        foreach (var group in Lines(LayeringBaseline.ForbiddenEdges).Concat(Lines(LayeringBaseline.NamespaceCycleEdges))
            .GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"listed {group.Count()} times: {group.Key}");
        }
        foreach (string line in Lines(LayeringBaseline.ForbiddenEdges))
        {
            // "From -> To: FromType -> ToType"
            string[] pair = line.Split(':', 2)[0].Split(" -> ");
            if (pair.Length != 2 || !line.Contains(": ", StringComparison.Ordinal) || !Layers.Broken(pair[0], pair[1]).Any())
            {
                problems.Add($"not a forbidden edge in the form 'FromLayer -> ToLayer: FromType -> ToType': {line}");
            }
        }
        Assert.True(problems.Count == 0, "LayeringBaseline:\n  " + string.Join("\n  ", problems));
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

    private static IEnumerable<string> Lines(string baseline) =>
        baseline.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'));
}
