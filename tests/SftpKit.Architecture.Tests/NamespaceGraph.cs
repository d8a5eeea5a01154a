namespace SftpKit.Architecture.Tests;

/// <summary>A dependency of one namespace on another, with the type dependencies behind it.</summary>
public sealed record NamespaceEdge(string From, string To, IReadOnlyList<(TypeName From, TypeName To)> Evidence)
{
    /// <summary>The edge as the baseline writes it: <c>From -> To</c>.</summary>
    public string Line => $"{From} -> {To}";
}

/// <summary>
/// The namespaces of SftpKit.Core (as placed: a root-namespace type counts in its folder's namespace) and the
/// dependencies between them. An edge lies on a cycle when both its ends are in one strongly connected component.
/// </summary>
public sealed class NamespaceGraph
{
    private readonly Dictionary<string, List<NamespaceEdge>> _outgoing;

    /// <summary>Builds the graph of SftpKit.Core's namespaces from <paramref name="code"/>.</summary>
    public NamespaceGraph(CodeBase code)
    {
        Edges =
            (from d in code.Dependencies
             where d.From.Assembly == Layers.CoreAssembly && d.To.Assembly == Layers.CoreAssembly
             let source = code.Placements[d.From].Namespace
             let target = code.Placements[d.To].Namespace
             where source != target
             group d by (source, target) into g
             orderby g.Key.source, g.Key.target
             select new NamespaceEdge(g.Key.source, g.Key.target, g.ToList())).ToList();
        _outgoing = Edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.ToList());
        var component = Components();
        CycleEdges = Edges.Where(e => component[e.From] == component[e.To]).ToList();
    }

    /// <summary>Every namespace dependency.</summary>
    public IReadOnlyList<NamespaceEdge> Edges { get; }

    /// <summary>The namespace dependencies that lie on a cycle.</summary>
    public IReadOnlyList<NamespaceEdge> CycleEdges { get; }

    /// <summary>A shortest cycle through <paramref name="edge"/>: the edge, then the way back from its target.</summary>
    public IReadOnlyList<NamespaceEdge> CycleThrough(NamespaceEdge edge)
    {
        var previous = new Dictionary<string, NamespaceEdge?> { [edge.To] = null };
        var queue = new Queue<string>([edge.To]);
        while (queue.Count > 0)
        {
            string node = queue.Dequeue();
            if (node == edge.From)
            {
                var path = new List<NamespaceEdge>();
                for (var e = previous[node]; e is not null; e = previous[e.From])
                {
                    path.Add(e);
                }
                path.Reverse();
                return [edge, .. path];
            }
            foreach (var next in _outgoing.GetValueOrDefault(node) ?? [])
            {
                if (previous.TryAdd(next.To, next))
                {
                    queue.Enqueue(next.To);
                }
            }
        }
        return [edge];
    }

    // Tarjan's strongly connected components; the namespace graph is small, so recursion is fine.
    private Dictionary<string, int> Components()
    {
        var nodes = Edges.SelectMany(e => new[] { e.From, e.To }).Distinct().Order(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var component = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var onStack = new HashSet<string>();
        int counter = 0, components = 0;

        void Visit(string node)
        {
            index[node] = low[node] = counter++;
            stack.Push(node);
            onStack.Add(node);
            foreach (var edge in _outgoing.GetValueOrDefault(node) ?? [])
            {
                if (!index.TryGetValue(edge.To, out int seen))
                {
                    Visit(edge.To);
                    low[node] = Math.Min(low[node], low[edge.To]);
                }
                else if (onStack.Contains(edge.To))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }
            if (low[node] == index[node])
            {
                string member;
                do
                {
                    member = stack.Pop();
                    onStack.Remove(member);
                    component[member] = components;
                }
                while (member != node);
                components++;
            }
        }

        foreach (string node in nodes.Where(n => !index.ContainsKey(n)))
        {
            Visit(node);
        }
        return component;
    }
}
