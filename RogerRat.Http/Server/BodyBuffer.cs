using System.Buffers;

namespace RogerRat.Http.Server;

/// <summary>
/// A connection's request-body bytes: one pooled array reused by each request on the connection, grown by renting a
/// larger one. <see cref="Release"/> gives big arrays back after a request so an idle keep-alive connection does not sit
/// on a megabyte.
/// </summary>
internal sealed class BodyBuffer
{
    // Arrays up to this size stay with the connection between requests; larger ones go back to the pool.
    private const int KeepBetweenRequests = 16 * 1024;

    private byte[] _array = [];
    private int _count;

    public ReadOnlyMemory<byte> Written => _array.AsMemory(0, _count);

    public int Count => _count;

    public void Clear() => _count = 0;

    public void Append(ReadOnlySequence<byte> data)
    {
        var length = checked((int)data.Length);
        Ensure(_count + length);
        data.CopyTo(_array.AsSpan(_count));
        _count += length;
    }

    /// <summary>Makes room for a body of known length up front (no regrowing while it arrives).</summary>
    public void Reserve(int length) => Ensure(_count + length);

    public void Release()
    {
        _count = 0;
        if (_array.Length > KeepBetweenRequests) ReturnArray();
    }

    public void ReturnArray()
    {
        if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
        _array = [];
        _count = 0;
    }

    private void Ensure(int needed)
    {
        if (needed <= _array.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Min(_array.Length * 2, Array.MaxLength)));
        _array.AsSpan(0, _count).CopyTo(bigger);
        if (_array.Length > 0) ArrayPool<byte>.Shared.Return(_array);
        _array = bigger;
    }
}
