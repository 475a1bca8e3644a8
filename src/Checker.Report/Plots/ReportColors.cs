using Checker.Report.Data;
using ScottPlot;

namespace Checker.Report.Plots;

/// <summary>
/// The report's colours, shared by plots and pages so a fault kind or an outcome looks the same everywhere.
/// Outcomes follow Jepsen (ok blue, info orange, fail red); fault kinds use hues that none of those take.
/// </summary>
public static class ReportColors
{
    public const string Ok = "#1F77B4";
    public const string Fail = "#D62728";
    public const string Info = "#FF7F0E";

    /// <summary>How opaque a nemesis band is on a plot: light enough to read the data through it.</summary>
    public const double BandOpacity = 0.22;

    static readonly Dictionary<string, string> KnownFaults = new(StringComparer.Ordinal)
    {
        ["partition"] = "#9467BD",
        ["kill"] = "#E377C2",
        ["pause"] = "#8C564B",
        ["slow"] = "#17BECF",
        ["loss"] = "#BCBD22",
        ["clock"] = "#2CA02C",
        ["fault"] = "#7F7F7F",
    };

    static readonly string[] OtherFaults = ["#AEC7E8", "#98DF8A", "#C49C94", "#DBDB8D", "#9EDAE5", "#F7B6D2"];

    public static string OutcomeHex(Outcome o) =>
        o switch
        {
            Data.Outcome.Ok => Ok,
            Data.Outcome.Fail => Fail,
            _ => Info,
        };

    public static string FaultHex(string kind) =>
        KnownFaults.TryGetValue(kind, out var hex)
            ? hex
            : OtherFaults[(int)((uint)StableHash(kind) % OtherFaults.Length)];

    public static Color Outcome(Outcome o) => Color.FromHex(OutcomeHex(o));

    public static Color Fault(string kind) => Color.FromHex(FaultHex(kind));

    /// <summary>The colour a band shows over the white data area: what a person (or a test) sees on the PNG.</summary>
    public static (byte R, byte G, byte B) FaultOnWhite(string kind)
    {
        var c = Fault(kind);
        static byte Mix(byte v) => (byte)Math.Round(v * BandOpacity + 255 * (1 - BandOpacity));
        return (Mix(c.Red), Mix(c.Green), Mix(c.Blue));
    }

    /// <summary>Marker shapes per f, in order of the f's name, so "read" keeps its shape across plots of one
    /// run.</summary>
    public static MarkerShape Shape(int fIndex) => Shapes[fIndex % Shapes.Length];

    static readonly MarkerShape[] Shapes =
    [
        MarkerShape.FilledCircle,
        MarkerShape.FilledTriangleUp,
        MarkerShape.FilledSquare,
        MarkerShape.FilledDiamond,
        MarkerShape.FilledTriangleDown,
        MarkerShape.Cross,
        MarkerShape.Eks,
        MarkerShape.Asterisk,
    ];

    /// <summary>string.GetHashCode differs between processes; colours must not.</summary>
    static int StableHash(string s)
    {
        var h = 17;
        foreach (var ch in s)
            h = h * 31 + ch;
        return h;
    }
}
