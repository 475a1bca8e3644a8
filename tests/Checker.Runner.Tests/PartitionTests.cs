using Checker.Runner.Faults;
using Checker.Runner.Net;

namespace Checker.Runner.Tests;

public class PartitionTests
{
    static readonly string[] Three = ["n1", "n2", "n3"];
    static readonly string[] Five = ["n1", "n2", "n3", "n4", "n5"];

    static bool Talk(Grudge g, string a, string b) => !g.Blocks(a, b) && !g.Blocks(b, a);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_halves_cut_a_majority_from_a_minority_both_ways(int seed)
    {
        var g = Partitions.RandomHalves(Five, new Random(seed));
        var reach = Five.ToDictionary(n => n, n => Five.Count(m => m == n || Talk(g, n, m)));
        Assert.Equal(3, reach.Values.Count(r => r == 3));
        Assert.Equal(2, reach.Values.Count(r => r == 2));
        foreach (var a in Five) foreach (var b in Five) Assert.Equal(g.Blocks(a, b), g.Blocks(b, a));
    }

    [Fact]
    public void Isolate_cuts_one_node_from_all_others_and_nothing_else()
    {
        var g = Partitions.Isolate(Three, "n2");
        Assert.True(g.Blocks("n1", "n2") && g.Blocks("n2", "n1") && g.Blocks("n3", "n2") && g.Blocks("n2", "n3"));
        Assert.True(Talk(g, "n1", "n3"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Bridge_leaves_one_node_seeing_both_sides_that_cannot_see_each_other(int seed)
    {
        var g = Partitions.Bridge(Five, new Random(seed));
        var bridge = Five.Single(n => Five.All(m => m == n || Talk(g, n, m)));
        var others = Five.Where(n => n != bridge).ToList();
        Assert.All(others, n => Assert.Equal(2, others.Count(m => m != n && !Talk(g, n, m))));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Majorities_ring_gives_each_node_a_different_majority(int seed)
    {
        var g = Partitions.MajoritiesRing(Five, new Random(seed));
        var views = Five.Select(n => string.Join(",", Five.Where(m => m == n || Talk(g, n, m)).Order())).ToList();
        Assert.All(views, v => Assert.Equal(3, v.Split(',').Length));
        Assert.Equal(5, views.Distinct().Count());
    }

    [Fact]
    public void Majorities_ring_of_three_is_whole_so_the_nemesis_falls_back()
    {
        Assert.True(Partitions.MajoritiesRing(Three, new Random(1)).IsEmpty);
    }

    [Fact]
    public void One_way_leaves_one_node_deaf_but_heard()
    {
        var g = Partitions.OneWay(Three, new Random(3));
        var deaf = Three.Single(n => Three.Where(m => m != n).All(m => g.Blocks(m, n)));
        Assert.All(Three.Where(m => m != deaf), m => Assert.False(g.Blocks(deaf, m)));
    }

    [Fact]
    public void A_grudge_prints_as_plain_data_for_the_history()
    {
        var v = Grudge.Between(["n1"], ["n2", "n3"]).ToValue();
        Assert.Equal("{\"n1\" [\"n2\" \"n3\"], \"n2\" [\"n1\"], \"n3\" [\"n1\"]}", Core.History.Values.Format(v));
    }
}
