using System.Text;
using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Core.Tests.Formats;

/// <summary>
/// A JSON Lines file is read from its bytes (in large blocks, a large file in two halves at once): it must give
/// what the text reader gives, op for op and line for line, and refuse what it refuses, naming the same line.
/// Each case is read three ways: the text reader, the bytes in one pass, and the bytes in two halves.
/// </summary>
[Collection(nameof(ByteReadingTests))] // the halves threshold is shared: no other test changes it meanwhile
public class ByteReadingTests
{
    public enum Way
    {
        OnePass,
        Halves,
    }

    static LoadedHistory Open(byte[] bytes, Way way, HistoryFormat format = HistoryFormat.JsonLines)
    {
        var path = Path.GetTempFileName();
        var threshold = JsonLinesHistory.HalvesFrom;
        try
        {
            File.WriteAllBytes(path, bytes);
            JsonLinesHistory.HalvesFrom = way == Way.Halves ? 0 : long.MaxValue;
            return HistoryFile.Open(path, format);
        }
        finally
        {
            JsonLinesHistory.HalvesFrom = threshold;
            File.Delete(path);
        }
    }

    /// <summary>What the text reader (through the guard against bad bytes) makes of the same bytes.</summary>
    static List<Op> ReadAsText(byte[] bytes)
    {
        using var reader = new GuardedReader(new MemoryStream(bytes), "h");
        return JsonLinesHistory.Read(reader, "h").ToList();
    }

    static List<string> Described(IEnumerable<Op> ops) =>
        ops.Select(o =>
            {
                var w = new StringWriter();
                JsonLinesHistory.Write(w, o);
                return $"line {o.Line}: {w}";
            })
            .ToList();

    /// <summary>A varied history: CRLF and LF, blank lines, ops without an index, strings in many scripts,
    /// maps and lists, a header first.</summary>
    static string History(int records, int seed, bool header = true)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder();
        if (header)
            sb.Append("{\"header\":{\"start\":\"2024-01-02T03:04:05Z\",\"nodes\":[\"n1\",\"n2\"]}}\n");
        string[] words = ["plain", "naïve", "Ωmega", "日本語", "emoji 🙂", "tab\\tescaped", "quote \\\"q\\\""];
        var previous = -1L; // the index of the op before
        for (var i = 0; i < records; i++)
        {
            var process = i % 7;
            var type = i % 2 == 0 ? "invoke" : rng.Next(10) == 0 ? "info" : "ok";
            var value = rng.Next(5) switch
            {
                0 => rng.NextInt64(-100_000, 100_000_000).ToString(),
                1 => $"\"{words[rng.Next(words.Length)]}\"",
                2 => $"[{rng.Next(100)},{rng.Next(100)}]",
                3 => $"{{\"from\":{rng.Next(5)},\"to\":{rng.Next(5)},\"amount\":{rng.Next(50)}}}",
                _ => "null",
            };
            // An op without an index takes the one before it plus one; the others leave gaps now and then.
            var omitted = rng.Next(4) == 0 && i > 0;
            var index = omitted ? previous + 1 : previous + 1 + (rng.Next(3) == 0 ? 5 : 0);
            var indexField = omitted ? "" : $"\"index\":{index},";
            previous = index;
            sb.Append(
                $"{{{indexField}\"time\":{i * 1000},\"process\":{process},\"type\":\"{type}\",\"f\":\"write\","
                    + $"\"key\":{rng.Next(20)},\"value\":{value}}}"
            );
            sb.Append(rng.Next(6) == 0 ? "\r\n" : "\n");
            if (rng.Next(20) == 0)
                sb.Append(rng.Next(2) == 0 ? "\n" : "  \t\r\n");
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData(Way.OnePass)]
    [InlineData(Way.Halves)]
    public void A_file_read_from_its_bytes_gives_the_ops_and_lines_the_text_reader_gives(Way way)
    {
        foreach (var seed in new[] { 1, 2, 3 })
        {
            // Large enough for several blocks of the byte reader, and a second half of its own.
            var bytes = Encoding.UTF8.GetBytes(History(30_000, seed));
            var loaded = Open(bytes, way);
            Assert.Equal(Described(ReadAsText(bytes)), Described(loaded.Ops));
            Assert.Equal(["n1", "n2"], loaded.Header.Nodes);
        }
    }

    [Theory]
    [InlineData(Way.OnePass)]
    [InlineData(Way.Halves)]
    public void A_line_longer_than_a_block_and_a_byte_order_mark_are_read(Way way)
    {
        var lines = History(4_000, 4, header: false).Split('\n');
        var longValue = new string('x', 3 << 20);
        lines[2_000] = lines[2_000].Replace("\"f\":\"write\"", $"\"f\":\"write\",\"note\":\"{longValue}\"");
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(string.Join('\n', lines))).ToArray();
        var loaded = Open(bytes, way);
        Assert.Equal(Described(ReadAsText(bytes)), Described(loaded.Ops));
        Assert.True(loaded.Ops.Count > 3_000);
    }

    [Theory]
    [InlineData(Way.OnePass)]
    [InlineData(Way.Halves)]
    public void Bytes_that_are_not_utf8_far_into_the_file_are_bad_input_naming_their_line(Way way)
    {
        var lines = History(30_000, 6, header: false).Split('\n');
        foreach (var at in new[] { 100, lines.Length / 2 + 3, lines.Length - 5 })
        {
            var bytes = Encoding
                .UTF8.GetBytes(string.Join('\n', lines[..(at - 1)]) + "\n")
                .Concat(Encoding.UTF8.GetBytes("{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":\""))
                .Concat(new byte[] { 0xc3, 0x28 })
                .Concat(Encoding.UTF8.GetBytes("\"}\n" + string.Join('\n', lines[at..])))
                .ToArray();
            var e = Assert.Throws<HistoryFormatException>(() => Open(bytes, way));
            Assert.Equal(at, e.Line);
            Assert.Contains("not valid UTF-8", e.Message);
        }
    }

    [Theory]
    [InlineData(Way.OnePass)]
    [InlineData(Way.Halves)]
    public void The_first_bad_line_is_the_one_reported(Way way)
    {
        var lines = History(30_000, 7, header: false).Split('\n');
        var early = 40;
        var late = lines.Length * 3 / 4;
        lines[early - 1] = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":010}";
        lines[late - 1] = "{\"process\":-3,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}";
        var e = Assert.Throws<HistoryFormatException>(() => Open(Encoding.UTF8.GetBytes(string.Join('\n', lines)), way));
        Assert.Equal(early, e.Line);
        lines[early - 1] = "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":10}";
        e = Assert.Throws<HistoryFormatException>(() => Open(Encoding.UTF8.GetBytes(string.Join('\n', lines)), way));
        Assert.Equal(late, e.Line);
        Assert.Contains("\"process\"", e.Message);
        // A header is allowed only before the first op, however far in the file it comes.
        lines[late - 1] = "{\"header\":{\"nodes\":[\"n1\"]}}";
        e = Assert.Throws<HistoryFormatException>(() => Open(Encoding.UTF8.GetBytes(string.Join('\n', lines)), way));
        Assert.Equal(late, e.Line);
        Assert.Contains("header", e.Message);
    }

    [Theory]
    [InlineData(Way.OnePass)]
    [InlineData(Way.Halves)]
    public void Nul_padding_far_into_the_file_is_reported_and_nul_with_text_after_it_is_bad_input(Way way)
    {
        var text = History(30_000, 8, header: false);
        if (!text.EndsWith('\n'))
            text += "\n";
        var bytes = Encoding.UTF8.GetBytes(text);
        var lines = text.Count(c => c == '\n');
        var loaded = Open(bytes.Concat(new byte[5_000]).Concat(Encoding.UTF8.GetBytes(" \n")).ToArray(), way);
        Assert.Equal(Described(ReadAsText(bytes)), Described(loaded.Ops));
        Assert.Contains($"5,000 NUL bytes from line {lines + 1} ", Assert.Single(loaded.Notes, n => n.Contains("NUL")));
        // Padding in the first half, with text after it: damage.
        var half = bytes.Length / 3;
        var damaged = bytes[..half].Concat(new byte[100]).Concat(bytes[half..]).ToArray();
        var e = Assert.Throws<HistoryFormatException>(() => Open(damaged, way));
        Assert.Contains("NUL", e.Message);
    }

    [Theory]
    [InlineData(Way.OnePass)]
    [InlineData(Way.Halves)]
    public void Ops_without_an_index_take_the_one_before_plus_one_across_the_halves(Way way)
    {
        // No op carries an index: the second half cannot know where it starts, so it is read after the first.
        var sb = new StringBuilder();
        for (var i = 0; i < 40_000; i++)
            sb.Append($"{{\"process\":{i % 3},\"type\":\"{(i % 2 == 0 ? "invoke" : "ok")}\",\"f\":\"read\",\"value\":null}}\n");
        var loaded = Open(Encoding.UTF8.GetBytes(sb.ToString()), way);
        Assert.Equal(Enumerable.Range(0, 40_000).Select(i => (long)i), loaded.Ops.Select(o => o.Index));
        Assert.Equal(Enumerable.Range(1, 40_000), loaded.Ops.Select(o => o.Line));
    }

    [Fact]
    public void Field_names_are_known_however_they_are_escaped_and_a_name_twice_is_bad_input()
    {
        var text = """
            {"\u0069ndex":3,"pro\u0063ess":2,"typ\u0065":"invoke","\u0066":"write","v\u0061lue":5,"k\u0065y":"k"}
            {"process":2,"type":"ok","f":"write","value":5,"key":"k","fx":1,"":2,"values":3}
            """;
        var ops = Open(Encoding.UTF8.GetBytes(text), Way.OnePass).Ops;
        Assert.Equal([3L, 4L], ops.Select(o => o.Index));
        Assert.All(ops, o => Assert.Equal(("write", 2, 5L, "k"), (o.F, o.Process, (long)o.Value!, (string)o.Key!)));
        var twice = "{\"process\":2,\"type\":\"invoke\",\"f\":\"read\",\"\\u0066\":\"write\"}";
        var e = Assert.Throws<HistoryFormatException>(() => Open(Encoding.UTF8.GetBytes(twice), Way.OnePass));
        Assert.Contains("appears twice", e.Message);
    }

    [Fact]
    public void A_file_with_a_utf16_byte_order_mark_is_still_read_as_text()
    {
        var text = History(50, 9);
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray();
        Assert.Equal(Described(ReadAsText(Encoding.UTF8.GetBytes(text))), Described(Open(bytes, Way.OnePass, HistoryFormat.Auto).Ops));
    }
}
