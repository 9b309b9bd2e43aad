namespace RogerRat.Core;

/// <summary><c>&lt;adjective&gt;-&lt;animal&gt;-&lt;4 hex&gt;</c> ids from the original's word lists (reference §1.1).</summary>
internal static class ChannelIds
{
    private static readonly string[] s_adjectives =
    [
        "amber", "brisk", "calm", "dusty", "eager", "fuzzy", "glassy", "happy", "icy", "jolly", "keen", "lazy", "merry", "noisy",
        "olive", "plucky", "quiet", "rusty", "silly", "tame", "umber", "vivid", "windy", "young", "zesty", "bold", "crisp", "dapper",
        "fancy", "gentle", "hazy", "lucky", "misty", "neat", "proud", "quick", "ruddy", "snug", "tidy", "warm",
    ];

    private static readonly string[] s_animals =
    [
        "otter", "badger", "cobra", "dingo", "ermine", "ferret", "gecko", "heron", "ibis", "jackal", "koala", "lynx", "marten",
        "newt", "owl", "panda", "quokka", "raven", "shrew", "tapir", "urchin", "viper", "weasel", "xerus", "yak", "zebu", "moose",
        "lemur", "stoat", "skunk", "puma", "wombat", "auk", "civet", "dhole", "fossa", "genet", "hyena", "kudu", "okapi",
    ];

    public static string Next(RandomSource random)
    {
        Span<byte> suffix = stackalloc byte[2];
        random.Fill(suffix);
        return $"{s_adjectives[random.NextInt(s_adjectives.Length)]}-{s_animals[random.NextInt(s_animals.Length)]}-{Convert.ToHexStringLower(suffix)}";
    }

    /// <summary>Whether <paramref name="id"/> could be a channel id at all (lowercase letters, digits, dashes, at most
    /// 64): a shared store is never asked about anything else.</summary>
    public static bool IsPlausible(string id)
    {
        if (id.Length is 0 or > 64) return false;
        foreach (var c in id)
        {
            if (c is not (>= 'a' and <= 'z' or >= '0' and <= '9' or '-')) return false;
        }
        return true;
    }
}
