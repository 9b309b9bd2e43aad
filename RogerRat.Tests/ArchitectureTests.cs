using System.Reflection;

namespace RogerRat.Tests;

/// <summary>Dependencies point down only (DESIGN.md): Core ← Http ← Mcp ← Host.</summary>
public class ArchitectureTests
{
    private static readonly string[] s_layers = ["RogerRat.Core", "RogerRat.Http", "RogerRat.Mcp"];

    [Theory]
    [InlineData("RogerRat.Core")]
    [InlineData("RogerRat.Http")]
    [InlineData("RogerRat.Mcp")]
    public void A_library_references_no_RogerRat_assembly_above_it(string name)
    {
        var assembly = Assembly.Load(name);
        var allowed = s_layers.TakeWhile(l => l != name).ToHashSet();
        var above = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("RogerRat", StringComparison.Ordinal) && !allowed.Contains(n))
            .ToArray();
        Assert.Empty(above);
    }

    [Fact]
    public void Core_has_no_project_references_and_does_no_io()
    {
        var core = typeof(RogerRat.Core.Hub).Assembly;
        var refs = core.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(refs, n => n.StartsWith("RogerRat", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, n => n is "System.Net.Sockets" or "System.Net.Http" or "System.IO.FileSystem");
    }
}
