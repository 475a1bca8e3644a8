namespace Checker.Runner.Workloads;

/// <summary>
/// The one rule for an op whose connect failed: it is a fail, since nothing was sent, and the worker
/// pauses a short random while before its next try, so that a down node is not hammered with refusals.
/// </summary>
public static class ConnectFailure
{
    /// <summary>The fail recorded for the op: the connect error, named as such.</summary>
    public static Completion Of(Exception e) => Completion.Fail($"connect: {e.Message}");

    /// <summary>The pause after a failed connect (100 to 300 ms, random so that workers do not retry in
    /// step).</summary>
    public static Task BackoffAsync(CancellationToken ct) => Task.Delay(Random.Shared.Next(100, 300), ct);

    /// <summary>Pauses (not cancellable: the op's answer is already decided), then gives the op's fail.</summary>
    public static async Task<Completion> AfterBackoffAsync(Exception e)
    {
        await BackoffAsync(CancellationToken.None);
        return Of(e);
    }
}
