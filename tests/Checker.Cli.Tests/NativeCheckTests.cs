using System.Text.RegularExpressions;
using Checker.Tests;

namespace Checker.Cli.Tests;

/// <summary>checker-check, published once as users publish it (compiled ahead of time to one native file).</summary>
public sealed class NativeCheckerFixture : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("checker-native-").FullName;

    public NativeCheckerFixture()
    {
        var project = Path.Combine(RepositoryPaths.Root, "src", "Checker.Check.Native");
        (PublishExit, PublishOutput, var errors) = ChildProcess.Run(
            "dotnet",
            ["publish", project, "-r", "linux-x64", "-c", "Release", "-o", folder, "-nologo"]
        );
        PublishOutput += errors;
        Program = Path.Combine(folder, "checker-check");
    }

    public int PublishExit { get; }

    public string PublishOutput { get; }

    /// <summary>The native program's path.</summary>
    public string Program { get; }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

/// <summary>
/// checker-check gives what `checker check` gives, on real histories: the same standard output (text and --json),
/// the same exit code, for valid and invalid etcd logs, kv logs, several files at once, and input it cannot read.
/// </summary>
[Trait("Tier", "Slow")] // publishes a native program (a minute or more)
public sealed class NativeCheckTests(NativeCheckerFixture native) : IClassFixture<NativeCheckerFixture>
{
    static readonly string Corpus = RepositoryPaths.Corpus;

    [Fact]
    public void It_is_published_without_a_warning()
    {
        Assert.True(native.PublishExit == 0, native.PublishOutput);
        Assert.DoesNotContain("warning", native.PublishOutput, StringComparison.OrdinalIgnoreCase);
        Assert.True(File.Exists(native.Program), native.PublishOutput);
        // One native file: no checker-check.dll for a runtime to load.
        Assert.False(File.Exists(Path.ChangeExtension(native.Program, ".dll")));
    }

    public static TheoryData<string[]> Checks() =>
        new()
        {
            new[] { "jepsen/etcd_000.log" }, // invalid, with its counterexample
            new[] { "jepsen/etcd_002.log" }, // valid
            new[] { "jepsen/etcd_007.log", "--model", "cas-register" },
            new[] { "jepsen/etcd_000.log", "--json" },
            new[] { "jepsen/etcd_002.log", "--json" },
            new[] { "jepsen/etcd_000.log", "--shrink", "0" },
            // A kv store's states print in an order that changes from one process to the next (c10-bad's, below):
            // c01-bad's, split by key, do not.
            new[] { "kv/c01-bad.txt", "--json" },
            new[] { "kv/c01-bad.txt" },
            new[] { "kv/c10-ok.txt", "--json" },
            new[] { "kv/c01-ok.txt", "--json" },
            new[] { "jepsen/etcd_00*.log" }, // several files: one line each
            new[] { "jepsen/etcd_00*.log", "--json" },
            new[] { "expected.csv" }, // not a history: bad input, exit 3
            new[] { "expected.csv", "--json" },
            new[] { "kv/c01-ok.txt", "--model", "regsiter" }, // usage, exit 4
            new[] { "no-such-file.jsonl" },
            new[] { "jepsen" }, // a folder
        };

    [Theory]
    [MemberData(nameof(Checks))]
    public void It_prints_and_exits_as_checker_check_does(string[] args)
    {
        Assert.True(native.PublishExit == 0, native.PublishOutput);
        string[] argv = [Path.Combine(Corpus, args[0]), .. args[1..]];
        var expected = ChildProcess.Checker(["check", .. argv]);
        var actual = ChildProcess.Run(native.Program, argv);
        Assert.Equal(WithoutTimes(expected.Out), WithoutTimes(actual.Out));
        Assert.Equal(expected.Exit, actual.Exit);
        // Errors name the program they come from; otherwise they are the same.
        Assert.Equal(
            expected.Err.Replace("checker: ", "").Split('\n')[0],
            actual.Err.Replace("checker-check: ", "").Split('\n')[0]
        );
    }

    [Theory]
    [InlineData("--no-split")]
    [InlineData("--shrink", "0")]
    public void An_invalid_kv_log_gets_the_same_verdict(params string[] args)
    {
        Assert.True(native.PublishExit == 0, native.PublishOutput);
        string[] argv = [Path.Combine(Corpus, "kv", "c10-bad.txt"), .. args];
        var expected = ChildProcess.Checker(["check", .. argv]);
        var actual = ChildProcess.Run(native.Program, argv);
        Assert.Equal((1, "verdict: INVALID"), (expected.Exit, expected.Out.Split('\n')[1]));
        Assert.Equal((1, "verdict: INVALID"), (actual.Exit, actual.Out.Split('\n')[1]));
    }

    /// <summary>The output with the times it reports (how long the search and the shrinking took) blanked, and
    /// the count of configurations the search visited: keys are searched in parallel, and the count includes
    /// what the other keys' searches did before an invalid key stopped them. These are all that may differ.
    /// </summary>
    static string WithoutTimes(string output) =>
        Regex.Replace(
            Regex.Replace(output, @"\b\d+(\.\d+)? (ms|s)\b", "# $2"),
            @"""(seconds|shrinkSeconds|configurations)"":( ?)[-+0-9.eE]+",
            "\"$1\":$2#"
        );

    [Fact]
    public void Times_and_the_count_of_configurations_are_all_that_is_blanked() =>
        Assert.Equal(
            "model, # ms\n\"seconds\": #,{\"shrinkSeconds\":#,\"count\": 3}, 12 ops, \"configurations\": #",
            WithoutTimes(
                "model, 87 ms\n\"seconds\": 0.0872125,{\"shrinkSeconds\":1E-05,\"count\": 3}, 12 ops, "
                    + "\"configurations\": 36"
            )
        );

    [Fact]
    public void It_refuses_report_and_names_the_command_that_writes_one()
    {
        Assert.True(native.PublishExit == 0, native.PublishOutput);
        var folder = Path.Combine(Path.GetTempPath(), $"checker-native-report-{Guid.NewGuid():N}");
        var (exit, output, errors) = ChildProcess.Run(
            native.Program,
            [Path.Combine(Corpus, "jepsen", "etcd_002.log"), "--report", folder]
        );
        Assert.Equal(4, exit);
        Assert.Equal("", output);
        Assert.Contains("'checker check --report DIR' writes them", errors);
        Assert.False(Directory.Exists(folder));
    }
}
