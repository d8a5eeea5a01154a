using SftpKit.Sessions;
namespace SftpKit.Architecture.Tests;

/// <summary>
/// The known violations of SftpKit's layering, reviewed, as the code stands before the redesign of issue 13 removes
/// them (docs/architecture.md). The baseline only shrinks: a line goes when its dependency goes (the tests fail until
/// it is deleted), and no line is ever added. When both lists are empty, the redesign has landed.
/// </summary>
public static class LayeringBaseline
{
    /// <summary>Forbidden type dependencies, one per line: <c>FromLayer -> ToLayer: FromType -> ToType</c> (nested and
    /// compiler-generated types count as their outermost type; a root-namespace type's layer is its folder).</summary>
    public const string ForbiddenEdges = """
        # Type dependencies that break a rule of Layers.Rules, by layer pair.
        """;

    /// <summary>Dependencies between SftpKit.Core's namespaces (root-namespace types counted in their folder's
    /// namespace) that lie on a cycle, one per line: <c>FromNamespace -> ToNamespace</c>.</summary>
    public const string NamespaceCycleEdges = """
        # Namespace dependencies that lie on a cycle, by source namespace.
        """;
}
