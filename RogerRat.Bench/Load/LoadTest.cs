namespace RogerRat.Bench.Load;

/// <summary><c>RogerRat.Bench loadtest</c>: the end-to-end load harness (scenarios to follow; see BENCHMARKS.md).</summary>
internal static class LoadTest
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("loadtest: not implemented yet");
        return Task.FromResult(2);
    }
}
