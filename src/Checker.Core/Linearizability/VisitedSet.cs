namespace Checker.Core.Linearizability;

/// <summary>
/// The search's memory of configurations already explored, so it never explores one twice (Lowe's
/// cache). A configuration is the set of definite operations linearized, the model state, and the set
/// of crashed operations used up so far.
///
/// The definite set is stored compactly. Definite operations are numbered in return order, so every
/// one below r (the first still pending) has taken effect; the set is r plus the few words of bits
/// from r up to the highest operation taken early. An entry costs a few words whatever the history's
/// length, where a plain bit set would grow with it. The set's hash arrives precomputed (updated in
/// O(1) per step by XOR of per-op random keys).
///
/// Crashed operations get a weaker test than equality: a configuration is covered by an earlier one
/// with the same definite set and state whose crashed set is a subset of its own. The earlier one had
/// every option this one has and more, because a crashed operation may always be left out; so if the
/// earlier one could not finish, neither can this one. This is what keeps histories full of
/// timed-out writes from exploding into every subset of them. Crashed operations are numbered in call
/// order, so the words past the latest one called are zero in every set: each set is stored without its
/// trailing zero words.
/// </summary>
internal sealed class VisitedSet(int crashedWords)
{
    // Groups: one per (definite set, state); each holds a chain of crashed sets.
    ulong[] groupHash = new ulong[1024];
    int[] groupState = new int[1024];
    int[] groupFirst = new int[1024];
    int[] groupR = new int[1024];
    int[] groupOffset = new int[1024];
    int[] groupLength = new int[1024];
    ulong[] windows = new ulong[1024];
    int windowsUsed;
    int groups;
    int[] table = NewTable(2048);

    // Chain entries: crashed sets (their words up to the last non-zero one), linked per group.
    ulong[] entryBits = new ulong[crashedWords == 0 ? 0 : 1024];
    int entryBitsUsed;
    int[] entryOffset = new int[crashedWords == 0 ? 0 : 1024];
    int[] entryLength = new int[crashedWords == 0 ? 0 : 1024];
    int[] entryNext = new int[crashedWords == 0 ? 0 : 1024];
    int entries;

    /// <summary>Configurations stored.</summary>
    public long Count => crashedWords == 0 ? groups : entries;

    /// <summary>Approximate bytes held, for the memory budget.</summary>
    public long Bytes =>
        groupHash.Length * 28L
        + windows.Length * 8L
        + table.Length * 4L
        + entryBits.Length * 8L
        + entryNext.Length * 12L;

    /// <summary>
    /// Records the configuration; false if an earlier one covers it (nothing new to explore).
    /// r: the lowest-numbered definite operation not linearized; high: the highest one linearized.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    public bool Add(ulong[] definite, int r, int high, ulong[] crashed, int state, ulong definiteHash)
    {
        // The window: aligned words from r's up to high's, trailing zero words dropped.
        var lo = r >> 6;
        var hi = high > r ? (high >> 6) + 1 : lo;
        while (hi > lo && definite[hi - 1] == 0)
            hi--;
        var window = definite.AsSpan(lo, hi - lo);

        var hash = definiteHash ^ ((ulong)(uint)state * 0x9E3779B97F4A7C15UL);
        var mask = table.Length - 1;
        var slot = (int)(hash ^ (hash >> 29)) & mask;
        while (true)
        {
            var g = table[slot];
            if (g < 0)
                break;
            if (
                groupHash[g] == hash
                && groupState[g] == state
                && groupR[g] == r
                && window.SequenceEqual(windows.AsSpan(groupOffset[g], groupLength[g]))
            )
                return crashedWords > 0 && AddCrashed(g, crashed);
            slot = (slot + 1) & mask;
        }
        if (groups == groupHash.Length)
            GrowGroups();
        if (windowsUsed + window.Length > windows.Length)
            Array.Resize(ref windows, Math.Max(windows.Length * 2, windowsUsed + window.Length));
        window.CopyTo(windows.AsSpan(windowsUsed));
        groupHash[groups] = hash;
        groupState[groups] = state;
        groupFirst[groups] = -1;
        groupR[groups] = r;
        groupOffset[groups] = windowsUsed;
        groupLength[groups] = window.Length;
        windowsUsed += window.Length;
        table[slot] = groups;
        if (crashedWords > 0)
            AddCrashed(groups, crashed);
        groups++;
        if (groups * 2 > table.Length)
            Rehash();
        return true;
    }

    [System.Runtime.CompilerServices.MethodImpl(
        System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
    )]
    bool AddCrashed(int group, ulong[] crashed)
    {
        var length = crashed.Length;
        while (length > 0 && crashed[length - 1] == 0)
            length--;
        var set = crashed.AsSpan(0, length);
        for (var e = groupFirst[group]; e >= 0; e = entryNext[e])
            if (IsSubset(Entry(e), set))
                return false;
        // Entries the new set covers are redundant from now on: unlink them to keep chains short.
        var link = -1;
        for (var e = groupFirst[group]; e >= 0; e = entryNext[e])
        {
            if (IsSubset(set, Entry(e)))
            {
                if (link < 0)
                    groupFirst[group] = entryNext[e];
                else
                    entryNext[link] = entryNext[e];
            }
            else
                link = e;
        }
        if (entries == entryNext.Length)
        {
            Array.Resize(ref entryNext, entries * 2);
            Array.Resize(ref entryOffset, entries * 2);
            Array.Resize(ref entryLength, entries * 2);
        }
        if (entryBitsUsed + length > entryBits.Length)
            Array.Resize(ref entryBits, Math.Max(entryBits.Length * 2, entryBitsUsed + length));
        set.CopyTo(entryBits.AsSpan(entryBitsUsed));
        entryOffset[entries] = entryBitsUsed;
        entryLength[entries] = length;
        entryBitsUsed += length;
        entryNext[entries] = groupFirst[group];
        groupFirst[group] = entries++;
        return true;
    }

    ReadOnlySpan<ulong> Entry(int e) => entryBits.AsSpan(entryOffset[e], entryLength[e]);

    /// <summary>Whether every bit of small is in big; words past either's end are zero.</summary>
    static bool IsSubset(ReadOnlySpan<ulong> small, ReadOnlySpan<ulong> big)
    {
        if (small.Length > big.Length)
            return false; // small's last word is non-zero, and big has none there
        for (var i = 0; i < small.Length; i++)
            if ((small[i] & ~big[i]) != 0)
                return false;
        return true;
    }

    void GrowGroups()
    {
        var size = groups * 2;
        Array.Resize(ref groupHash, size);
        Array.Resize(ref groupState, size);
        Array.Resize(ref groupFirst, size);
        Array.Resize(ref groupR, size);
        Array.Resize(ref groupOffset, size);
        Array.Resize(ref groupLength, size);
    }

    void Rehash()
    {
        table = NewTable(table.Length * 2);
        var mask = table.Length - 1;
        for (var g = 0; g < groups; g++)
        {
            var slot = (int)(groupHash[g] ^ (groupHash[g] >> 29)) & mask;
            while (table[slot] >= 0)
                slot = (slot + 1) & mask;
            table[slot] = g;
        }
    }

    static int[] NewTable(int size)
    {
        var t = new int[size];
        Array.Fill(t, -1);
        return t;
    }
}
