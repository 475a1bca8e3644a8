using Checker.Runner.Net;
using Checker.Runner.Nodes;


using Checker.Nodes.Net;

namespace Checker.Nodes.Tests;

public class LoopbackSubnetTests
{
    [Fact]
    public void Claims_held_at_once_never_share_an_octet()
    {
        var claims = Enumerable.Range(0, 60).Select(_ => LoopbackSubnet.Claim(_ => true)).ToList();
        try
        {
            Assert.Equal(claims.Count, claims.Select(c => c.Octet).Distinct().Count());
            Assert.All(claims, c => Assert.InRange(c.Octet, 20, 249));
        }
        finally { claims.ForEach(c => c.Dispose()); }
    }

    [Fact]
    public void A_held_octet_is_refused_until_its_claim_is_released()
    {
        var first = LoopbackSubnet.Claim(_ => true);
        var octet = first.Octet;
        try { Assert.Throws<InvalidOperationException>(() => LoopbackSubnet.Claim(s => s == octet)); }
        finally { first.Dispose(); }

        using var again = LoopbackSubnet.Claim(s => s == octet);
        Assert.Equal(octet, again.Octet);
    }

    [Fact]
    public async Task A_local_run_holds_its_octet_until_torn_down()
    {
        var local = LocalNodeProvider.Create(1, Directory.CreateTempSubdirectory("checker-subnet-").FullName);
        var octet = local.Subnet;
        try { Assert.Throws<InvalidOperationException>(() => LoopbackSubnet.Claim(s => s == octet)); }
        finally { await local.TeardownAsync(); }
        using var after = LoopbackSubnet.Claim(s => s == octet);
        Assert.Equal(octet, after.Octet);
    }
}
