namespace Checker.Check;

/// <summary>
/// checker check FILE FILE... or a quoted glob: each history is checked in turn in this one process,
/// with the same options, as 'checker check FILE' would check it alone. Each gets one summary line
/// (its verdict and the linearizability summary, or why it could not be read); with --json each gets
/// its JSON object on a line of its own. The exit code is the worst (highest) of the files' codes.
/// </summary>
internal static class CheckFiles
{
    /// <summary>True if argv names more than one history, or a glob: then Execute handles it.</summary>
    public static bool Applies(string[] argv)
    {
        var files = Positions(argv).Select(i => argv[i]).ToList();
        return files.Count > 1 || files.Any(IsGlob);
    }

    public static int Execute(string[] argv, CheckHost host)
    {
        var positions = Positions(argv);
        var options = argv.Where((_, i) => !positions.Contains(i)).ToArray();
        var files = new List<string>();
        foreach (var p in positions.Select(i => argv[i]))
            files.AddRange(IsGlob(p) ? Expand(p) : [p]);
        if (files.Count == 0)
            throw new UsageException($"no file matches {string.Join(" ", positions.Select(i => argv[i]))}");
        var json = options.Contains("--json");
        var worst = 0;
        var stdout = Console.Out;
        var stderr = Console.Error;
        foreach (var file in files)
        {
            var output = new StringWriter();
            var errors = new StringWriter();
            Console.SetOut(output);
            Console.SetError(errors);
            int code;
            try
            {
                code = host.Guarded(() => CheckCommand.Execute([file, .. options], host, indentedJson: false));
            }
            finally
            {
                Console.SetOut(stdout);
                Console.SetError(stderr);
            }
            // A mistake in the options is the same for every file: say it once and stop.
            if (code == ExitCodes.Usage)
            {
                stderr.Write(errors);
                return code;
            }
            worst = Math.Max(worst, code);
            stdout.WriteLine(
                !json ? Summary(file, code, output.ToString(), FirstError(host, code, errors.ToString()))
                : code is 0 or 1 or 2 ? output.ToString().TrimEnd('\n')
                : CheckJson.Line(("file", file), ("exit", code), ("error", FirstError(host, code, errors.ToString())))
            );
        }
        return worst;
    }

    /// <summary>The error the file's check printed first, without the program's name.</summary>
    static string FirstError(CheckHost host, int code, string errors)
    {
        var error = errors.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.Trim()
            ?? $"exit {code}";
        var prefix = $"{host.Program}: ";
        return error.StartsWith(prefix) ? error[prefix.Length..] : error;
    }

    /// <summary>One line: the file, its verdict and the linearizability summary, or its error.</summary>
    static string Summary(string file, int code, string output, string firstError)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verdict = lines.FirstOrDefault(l => l.StartsWith("verdict: "))?["verdict: ".Length..];
        if (verdict is null)
            return $"{file}: ERROR (exit {code}) {firstError}";
        var summary = lines.SkipWhile(l => !l.StartsWith("verdict: ")).Skip(1).FirstOrDefault() ?? "";
        return $"{file}: {verdict}  {summary}";
    }

    /// <summary>Where the positional arguments are: those that are neither options nor option values.</summary>
    static List<int> Positions(string[] argv)
    {
        // Options that take no value; every other --name takes the next argument unless written --name=value.
        var flags = CheckOptions.Flags.Select(f => $"--{f}").ToList();
        var result = new List<int>();
        for (var i = 0; i < argv.Length; i++)
        {
            var a = argv[i];
            if (!a.StartsWith("--"))
                result.Add(i);
            else if (!flags.Contains(a) && !a.Contains('='))
                i++;
        }
        return result;
    }

    static bool IsGlob(string path) => path.IndexOfAny(['*', '?']) >= 0;

    /// <summary>The files a pattern matches; wildcards only in its last part (logs/*.edn), sorted by name.</summary>
    static IEnumerable<string> Expand(string pattern)
    {
        var dir = Path.GetDirectoryName(pattern);
        var name = Path.GetFileName(pattern);
        if (IsGlob(dir ?? ""))
            throw new UsageException($"{pattern}: wildcards only in the file name, not in folders");
        var folder = string.IsNullOrEmpty(dir) ? "." : dir;
        if (!Directory.Exists(folder))
            throw new UsageException($"{pattern}: no folder {folder}");
        return Directory
            .GetFiles(folder, name)
            .Select(f => string.IsNullOrEmpty(dir) ? Path.GetFileName(f) : f)
            .Order(StringComparer.Ordinal);
    }
}
