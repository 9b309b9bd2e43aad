namespace RogerRat.Host;

internal static class Program
{
    private static int Main(string[] args)
    {
        // The hub comes with the REST issue; until then the binary says so instead of pretending.
        Console.Error.WriteLine("rogerrat: the hub server is not built yet (see the REST/host issue).");
        return 1;
    }
}
