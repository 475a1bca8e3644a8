using System.Net;
using Checker.Core.Checks;
using Checker.Core.History;

namespace Checker.Report.Pages;

/// <summary>
/// Escaping and the page shell shared by every page. Everything that comes from a history or results.json
/// goes through E: values are arbitrary strings written by the system under test.
/// </summary>
internal static class Html
{
    public static string E(object? text) => WebUtility.HtmlEncode(text?.ToString() ?? "");

    /// <summary>An operation value, printed as Checker prints it, escaped.</summary>
    public static string V(object? value) => E(Values.Format(value));

    public static string VerdictClass(Verdict? v) =>
        v switch
        {
            Verdict.Valid => "valid",
            Verdict.Invalid => "invalid",
            Verdict.Unknown => "unknown",
            _ => "none",
        };

    public static string Badge(Verdict? v) =>
        $"<span class=\"badge "
        + $"{VerdictClass(v)}\">{E(v is { } x ? Verdicts.Word(x).ToUpperInvariant() : "NO RESULT")}</span>";

    /// <summary>A whole page: no external resources at all, so it opens from disk, offline, years later.</summary>
    public static void Page(
        TextWriter w,
        string title,
        Action<TextWriter> body,
        string extraCss = "",
        string script = ""
    )
    {
        w.Write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        w.Write("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        w.Write($"<title>{E(title)}</title><style>{Css}{extraCss}</style></head>\n<body>\n");
        body(w);
        if (script.Length > 0)
            w.Write($"<script>\n{script}\n</script>\n");
        w.Write("</body></html>\n");
    }

    public static void WriteFile(
        string path,
        string title,
        Action<TextWriter> body,
        string extraCss = "",
        string script = ""
    )
    {
        using var w = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        Page(w, title, body, extraCss, script);
    }

    const string Css = """
        body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:1.2em 2em;color:#222;background:#fff}
        h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd}
        table{border-collapse:collapse;margin:.4em 0}
        th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
        pre,code{font-family:"DejaVu Sans Mono",monospace;font-size:.92em}pre{white-space:pre-wrap;margin:0}
        .badge{display:inline-block;padding:2px 10px;border-radius:4px;font-weight:bold;color:#fff;min-width:5em;
          text-align:center}
        .badge.valid{background:#2ca02c}.badge.invalid{background:#d62728}.badge.unknown{background:#e6a100}
        .badge.none{background:#888}
        .note{color:#555;font-size:.92em;margin:.4em 0}a{color:#1659a3}
        img.plot{max-width:100%;border:1px solid #ddd;margin:.3em 0 1em}
        """;
}
