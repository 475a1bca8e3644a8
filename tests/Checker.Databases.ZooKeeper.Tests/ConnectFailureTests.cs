using Checker.Core.History;
using Checker.Databases.ZooKeeper;
using Checker.Runner.Workloads;
using Checker.ZooKeeper;

namespace Checker.Databases.ZooKeeper.Tests;

/// <summary>An op whose connect failed is a fail named "connect: ..." (the checkers read refusals by that name).</summary>
public sealed class ConnectFailureTests
{
    sealed class NeverPerforms() : ZooKeeperWorkerClient(("127.0.0.1", 1), new ZooKeeperClientOptions())
    {
        protected override Task<Completion> PerformAsync(Invocation op, ZooKeeperClient zk, CancellationToken ct) =>
            throw new InvalidOperationException("no session can have opened");
    }

    [Fact]
    public void The_fail_names_the_connect_error()
    {
        var fail = ConnectFailure.Of(new IOException("refused"));

        Assert.Equal(OpType.Fail, fail.Type);
        Assert.Equal("connect: refused", fail.Error);
    }

    [Fact]
    public async Task A_worker_client_whose_node_refuses_answers_a_connect_fail_and_sends_nothing()
    {
        await using var client = new NeverPerforms(); // nothing listens on 127.0.0.1:1

        var done = await client.InvokeAsync(new Invocation("read", null, null), CancellationToken.None);

        Assert.Equal(OpType.Fail, done.Type);
        Assert.StartsWith("connect: ", done.Error);
    }
}
