using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SftpKit.Docs.Tests;

/// <summary>
/// Compiles a documentation block the way a new project would: C# 14 with nullable enabled, as a top-level program
/// (or as a library when the block only declares types, like a test class), with the global usings of
/// <c>dotnet new web</c>'s implicit usings (<see cref="GlobalUsings"/>) and nothing else. A block names every other
/// namespace itself (<c>using System.Net;</c>, <c>using SftpKit;</c> …), so it compiles when pasted into such a project
/// that references the SftpKit packages.
/// </summary>
/// <remarks>
/// The references are the assemblies this test process runs on (its trusted platform assemblies): the .NET and
/// ASP.NET Core shared frameworks and the SftpKit packages with their dependencies, plus xunit and SSH.NET, which the
/// README's testing example uses.
/// </remarks>
public static class DocCompiler
{
    /// <summary>The implicit global usings of a Microsoft.NET.Sdk.Web project (ImplicitUsings enabled).</summary>
    public static readonly IReadOnlyList<string> GlobalUsings =
    [
        "System",
        "System.Collections.Generic",
        "System.IO",
        "System.Linq",
        "System.Net.Http",
        "System.Net.Http.Json",
        "System.Threading",
        "System.Threading.Tasks",
        "Microsoft.AspNetCore.Builder",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Http",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.Extensions.Configuration",
        "Microsoft.Extensions.DependencyInjection",
        "Microsoft.Extensions.Hosting",
        "Microsoft.Extensions.Logging",
    ];

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.CSharp14);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());

    /// <summary>The compilation of <paramref name="block"/>; its diagnostics point at the Markdown file and line.</summary>
    public static CSharpCompilation Compile(DocBlock block, string assemblyName = "DocBlock")
    {
        ArgumentNullException.ThrowIfNull(block);
        // #line maps every diagnostic to the document's own line numbers.
        string source = $"#line {block.FirstCodeLine} \"{block.File}\"\n{block.Code}";
        var tree = CSharpSyntaxTree.ParseText(source, s_parseOptions, path: block.File);
        var usings = CSharpSyntaxTree.ParseText(string.Concat(GlobalUsings.Select(u => $"global using global::{u};\n")), s_parseOptions,
            path: "GlobalUsings.g.cs");
        bool isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var options = new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable)
            // As the SDK does: binding redirects between reference versions are not the block's business.
            .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["CS1701"] = ReportDiagnostic.Suppress,
                ["CS1702"] = ReportDiagnostic.Suppress,
            });
        return CSharpCompilation.Create(assemblyName, [usings, tree], s_references.Value, options);
    }

    /// <summary>Errors and warnings of <paramref name="compilation"/>, hidden and info diagnostics left out.</summary>
    public static IReadOnlyList<Diagnostic> Problems(CSharpCompilation compilation)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        return compilation.GetDiagnostics()
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            // An unused global using is the template's, not the block's.
            .Where(d => d.Id != "CS8019")
            .ToList();
    }

    /// <summary>One line per diagnostic, as the compiler prints them (<c>docs/sql.md(91,5): error CS0103: …</c>).</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join('\n', diagnostics.Select(d => d.ToString()));
}
