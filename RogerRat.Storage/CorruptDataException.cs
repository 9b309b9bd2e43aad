namespace RogerRat.Storage;

/// <summary>
/// The data directory holds something the store cannot trust: a bad checksum, a record that does not decode, a gap in
/// the sequence. Startup stops (the host exits 3); nothing is overwritten. <see cref="File"/> and <see cref="Offset"/>
/// say where.
/// </summary>
public sealed class CorruptDataException(string file, long offset, string reason)
    : IOException($"corrupt data in {file} at offset {offset}: {reason}")
{
    /// <summary>The file holding the damaged record.</summary>
    public string File { get; } = file;
    /// <summary>Byte offset of the damaged record in <see cref="File"/>.</summary>
    public long Offset { get; } = offset;
    /// <summary>What is wrong there, e.g. a checksum mismatch or an impossible length.</summary>
    public string Reason { get; } = reason;
}

/// <summary>Another process holds the data directory's lock (one hub per directory).</summary>
public sealed class DataDirectoryLockedException(string directory, string? holder)
    : IOException($"data dir {directory} is in use by another hub{(holder is null ? "" : $" ({holder})")}; one hub per data dir")
{
    /// <summary>The data directory that is locked.</summary>
    public string Directory { get; } = directory;
}
