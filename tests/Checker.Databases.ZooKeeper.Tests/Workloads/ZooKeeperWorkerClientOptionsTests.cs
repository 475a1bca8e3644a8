using Checker.Databases.ZooKeeper;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper.Tests.Workloads;

/// <summary>The options a worker client opens its sessions with are the workload's, every setting kept.</summary>
public sealed class ZooKeeperWorkerClientOptionsTests
{
    sealed class Probe(ZooKeeperClientOptions options) : ZooKeeperWorkerClient(("127.0.0.1", 1), options)
    {
        public ZooKeeperClientOptions Session(long id, byte[]? password) => OptionsFor(id, password);

        protected override Task<Completion> PerformAsync(Invocation op, ZooKeeperClient zk, CancellationToken ct) =>
            throw new NotSupportedException("the probe never performs ops");
    }

    [Fact]
    public async Task Every_option_set_on_the_workload_reaches_the_session_and_only_the_session_fields_change()
    {
        var workload = new ZooKeeperClientOptions
        {
            SessionTimeout = TimeSpan.FromSeconds(7),
            RequestTimeout = TimeSpan.FromSeconds(3),
            ConnectTimeout = TimeSpan.FromSeconds(4),
            CloseTimeout = TimeSpan.FromMilliseconds(1500),
            CanBeReadOnly = true,
            MaxFrameLength = 4096,
        };
        await using var client = new Probe(workload);
        var password = new byte[] { 1, 2, 3 };

        var session = client.Session(42, password);

        Assert.Equal(workload with { SessionId = 42, SessionPassword = password }, session);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), session.CloseTimeout);
        Assert.True(session.CanBeReadOnly);
        Assert.Equal(4096, session.MaxFrameLength);
        Assert.Equal(0, workload.SessionId); // the workload's options are not changed
    }
}
