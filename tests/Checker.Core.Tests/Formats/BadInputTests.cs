using Checker.Core.Formats;
using Checker.Core.History;
using Checker.Core.Linearizability;
using Checker.Core.Models;

namespace Checker.Core.Tests.Formats;

/// <summary>Bad input is reported with the source and the line, never as a crash.</summary>
public class BadInputTests
{
    static HistoryFormatException Fails(string text, HistoryFormat format = HistoryFormat.Auto) =>
        Assert.Throws<HistoryFormatException>(() => HistoryFile.Read(new StringReader(text), "h.txt", format).ToList());

    const string Good = "{\"index\":0,\"time\":1,\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}";

    [Theory]
    [InlineData(Good + "\n{\"index\":1,\"time\":2,\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"val", 2, "not a JSON object")]
    [InlineData(Good + "\n{\"index\":\"one\",\"time\":2,\"process\":0,\"type\":\"ok\",\"f\":\"read\"}", 2, "\"index\" must be an integer")]
    [InlineData(Good + "\n\n{\"index\":1,\"time\":2,\"process\":0,\"type\":\"done\",\"f\":\"read\"}", 3, "\"type\"")]
    [InlineData(Good + "\n{\"index\":1,\"time\":2,\"type\":\"ok\",\"f\":\"read\"}", 2, "\"process\"")]
    [InlineData(Good + "\n[1,2]", 2, "JSON object")]
    public void Json_lines_errors_name_the_line(string text, int line, string problem)
    {
        var e = Fails(text, HistoryFormat.JsonLines);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message);
        Assert.StartsWith($"h.txt:{line}:", e.Message);
    }

    [Theory]
    [InlineData("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f :read, :value \"abc", 2, "unterminated string")]
    [InlineData("[{:process 0, :type :invoke, :f :read}\n{:process 0 :type :ok", 2, "unclosed")]
    [InlineData("{:process 0, :type :invoke, :f :read}\n{:process 0, :type :ok, :f}", 2, "even number")]
    [InlineData("{:process 0, :type :invoke, :f :read}\n\n{:process x, :type :ok, :f :read}", 3, ":process")]
    [InlineData("{:process 0, :type :invoke, :f :read, :index 1.5}", 1, ":index")]
    [InlineData("{:process 0, :type :invoke, :f :read}\n]", 2, "unexpected ']'")]
    [InlineData("{:process 0, :type :invoke, :f :read}\n42", 2, "expected an op map")]
    [InlineData("{:process 0, :type :invoke, :f :read}\n{:value [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 2, "nested")]
    public void Edn_errors_name_the_line(string text, int line, string problem)
    {
        var e = Fails(text, HistoryFormat.Edn);
        Assert.Equal(line, e.Line);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Log_errors_name_the_line()
    {
        var e = Fails("INFO jepsen.util - 0\t:invoke\t:read\tnil\nINFO jepsen.util - zero\t:ok\t:read\t1", HistoryFormat.JepsenLog);
        Assert.Equal(2, e.Line);
        Assert.Contains("process", e.Message);
        e = Fails("INFO jepsen.util - 0\t:invoke\t:write\t[1 2", HistoryFormat.JepsenLog);
        Assert.Contains("bad value", e.Message);
    }

    [Fact]
    public void Second_invoke_while_outstanding_names_both_lines()
    {
        var history = HistoryFile.Read(new StringReader("""
            {:process 0, :type :invoke, :f :read}
            {:process 1, :type :invoke, :f :read}
            {:process 0, :type :invoke, :f :write, :value 1}
            """), "h.edn").ToList();
        var e = Assert.Throws<HistoryFormatException>(() => Pairing.Pair(history, "h.edn"));
        Assert.Equal(3, e.Line);
        Assert.Contains("line 1", e.Message);
    }

    [Fact]
    public void Completion_without_invoke_is_an_error()
    {
        var history = HistoryFile.Read(new StringReader("{:process 0, :type :ok, :f :read, :value 1}"), "h.edn").ToList();
        Assert.Equal(1, Assert.Throws<HistoryFormatException>(() => Pairing.Pair(history, "h.edn")).Line);
    }

    [Fact]
    public void Unknown_f_for_the_model_names_the_line()
    {
        var history = HistoryFile.Read(new StringReader("""
            {:process 0, :type :invoke, :f :write, :value 1}
            {:process 0, :type :ok, :f :write, :value 1}
            {:process 0, :type :invoke, :f :increment, :value 1}
            """), "h.edn").ToList();
        var checker = new LinearizabilityChecker(ModelCatalog.Create("cas-register"), new LinearizabilityOptions { Source = "h.edn" });
        var e = Assert.Throws<HistoryFormatException>(() => checker.Check(history));
        Assert.Equal(3, e.Line);
        Assert.Contains("increment", e.Message);
    }

    const string Damage = "{}[]()\":;#\\ \n,x0";

    /// <summary>Random bytes, and random damage to real histories, never escape as anything but a format error.</summary>
    [Theory]
    [InlineData(HistoryFormat.JsonLines)]
    [InlineData(HistoryFormat.Edn)]
    [InlineData(HistoryFormat.JepsenLog)]
    [InlineData(HistoryFormat.Auto)]
    public void Fuzz_readers_with_random_bytes(HistoryFormat format)
    {
        var rng = new Random(1234 + (int)format);
        var samples = new[]
        {
            File.ReadAllText(Path.Combine(Corpus.Root, "kv", "c01-ok.txt")),
            File.ReadAllText(Path.Combine(Corpus.Root, "jepsen", "etcd_000.log")),
            Good + "\n" + Good.Replace("invoke", "ok"),
        };
        for (var i = 0; i < 2000; i++)
        {
            string text;
            if (i % 3 == 0)
            {
                var bytes = new byte[rng.Next(0, 200)];
                rng.NextBytes(bytes);
                text = System.Text.Encoding.UTF8.GetString(bytes);
            }
            else
            {
                var sample = samples[rng.Next(samples.Length)];
                var chars = sample[..Math.Min(2000, sample.Length)].ToCharArray();
                for (var k = rng.Next(1, 6); k > 0; k--) chars[rng.Next(chars.Length)] = Damage[rng.Next(Damage.Length)];
                text = new string(chars, 0, rng.Next(chars.Length));
            }
            try
            {
                var ops = HistoryFile.Read(new StringReader(text), "fuzz", format).ToList();
                Pairing.Pair(ops, "fuzz");
            }
            catch (HistoryFormatException)
            {
                // the one acceptable failure
            }
        }
    }
}
