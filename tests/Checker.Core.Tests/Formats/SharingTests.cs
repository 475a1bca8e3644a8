using Checker.Core.Formats;
using Checker.Core.History;

namespace Checker.Core.Tests.Formats;

/// <summary>The JSON Lines reader holds repeated data once (a million-op history must fit in memory), without changing any value.</summary>
public class SharingTests
{
    const string Lines = """
        {"index":0,"time":0,"process":0,"type":"invoke","f":"transfer","value":{"from":0,"to":1,"amount":5}}
        {"index":1,"time":1,"process":0,"type":"ok","f":"transfer","value":{"from":0,"to":1,"amount":5}}
        {"index":2,"time":2,"process":0,"type":"invoke","f":"transfer","value":{"from":1,"to":0,"amount":5}}
        {"index":3,"time":3,"process":0,"type":"ok","f":"transfer","value":{"from":1,"to":0,"amount":6}}
        {"index":4,"time":4,"process":1,"type":"invoke","f":"read","value":null}
        {"index":5,"time":5,"process":1,"type":"ok","f":"read","value":{"0":100,"1":123456789}}
        """;

    [Fact]
    public void A_completion_restating_its_invoke_shares_the_value_and_one_that_differs_keeps_its_own()
    {
        var ops = JsonLinesHistory.Read(new StringReader(Lines), "h").ToList();
        Assert.Same(ops[0].Value, ops[1].Value);
        Assert.NotSame(ops[2].Value, ops[3].Value);
        Assert.Equal(6L, ((IDictionary<object, object?>)ops[3].Value!)["amount"]);
        Assert.Same(ops[0].F, ops[2].F); // one string per operation name
        var read = (IDictionary<object, object?>)ops[5].Value!;
        Assert.Equal(100L, read["0"]);
        Assert.Equal(123456789L, read["1"]); // beyond the shared small integers, still exact
        Assert.True(Values.Same(ops[0].Value, ops[1].Value));
    }
}
