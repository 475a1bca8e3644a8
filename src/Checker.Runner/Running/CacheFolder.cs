namespace Checker.Runner.Running;

/// <summary>
/// Where Checker keeps what is slow to make and safe to remove (node images, candidate builds):
/// $CHECKER_CACHE, else $XDG_CACHE_HOME/checker, else ~/.cache/checker.
/// </summary>
public static class CacheFolder
{
    public static string Base
    {
        get
        {
            if (Environment.GetEnvironmentVariable("CHECKER_CACHE") is { Length: > 0 } cache)
                return cache;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x
                ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(xdg, "checker");
        }
    }
}
