using Checker.Runner.Spec;

namespace Checker.Runner.Faults;

/// <summary>Drives the nemesis: after an initial calm, a random fault every interval, each healed after its
/// duration.</summary>
internal static class NemesisSchedule
{
    /// <summary>Runs until cancelled; the fault in effect at cancellation is stopped before returning.</summary>
    public static async Task RunAsync(NemesisSpec spec, Nemesis nemesis, Random random, CancellationToken ct)
    {
        if (spec.Faults.Count == 0)
            return;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(spec.InitialDelay), ct);
            while (!ct.IsCancellationRequested)
            {
                var started = DateTime.UtcNow;
                await nemesis.StartAsync(spec.Faults[random.Next(spec.Faults.Count)], ct);
                await Task.Delay(TimeSpan.FromSeconds(spec.Duration), ct);
                await nemesis.StopAsync(ct);
                var rest = started + TimeSpan.FromSeconds(spec.Interval) - DateTime.UtcNow;
                if (rest > TimeSpan.Zero)
                    await Task.Delay(rest, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        await nemesis.StopAsync(CancellationToken.None);
    }
}
