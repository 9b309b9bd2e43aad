using System.Buffers;

namespace RogerRat.Core.Service;

/// <summary>
/// A JSON document in an array rented from the shared pool (<see cref="WireJson.WritePooled{TState}"/>). A struct, so
/// renting one costs no object; dispose it exactly once (a copy disposed again would return the array twice).
/// </summary>
internal readonly struct PooledJson : IDisposable
{
    private readonly byte[] _array;
    private readonly int _length;

    private PooledJson(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The document's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, _length);

    public static PooledJson CopyOf(ReadOnlySpan<byte> json)
    {
        var array = ArrayPool<byte>.Shared.Rent(json.Length);
        json.CopyTo(array);
        return new PooledJson(array, json.Length);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_array);
}
