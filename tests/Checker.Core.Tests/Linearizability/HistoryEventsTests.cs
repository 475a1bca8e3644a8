using Checker.Core.History;
using Checker.Core.Linearizability;
using Event = Checker.Core.Linearizability.HistoryEvents.Event;

namespace Checker.Core.Tests.Linearizability;

/// <summary>
/// The search's events are put in time order by sorting two nearly sorted runs by insertion (with a general sort
/// past a budget) and merging them: the order must be exactly the one a plain sort gives, on any input.
/// </summary>
public class HistoryEventsTests
{
    static Event[] RandomEvents(Random random, int count, int displacement, int timeRange)
    {
        var events = new Event[count];
        for (var i = 0; i < count; i++)
        {
            // Near i (within displacement) when displacement is small: nearly sorted; else anywhere.
            var time = Math.Clamp(i + random.Next(-displacement, displacement + 1), 0, int.MaxValue) % timeRange;
            events[i] = new Event(time, random.Next(2), i);
        }
        return events;
    }

    [Theory]
    [InlineData(0, 1000)] // sorted already
    [InlineData(3, 1000)] // a few places out
    [InlineData(50, 1000)]
    [InlineData(100_000, 1000)] // anywhere: past the insertion budget, a general sort
    [InlineData(3, 7)] // many equal times: the kind and op decide
    public void Sorting_nearly_sorted_runs_gives_what_a_plain_sort_gives(int displacement, int timeRange)
    {
        var random = new Random(displacement * 31 + timeRange);
        for (var round = 0; round < 50; round++)
        {
            var events = RandomEvents(random, random.Next(0, 3000), displacement, timeRange);
            var expected = (Event[])events.Clone();
            Array.Sort(expected);
            HistoryEvents.SortNearlySorted<Event>(events);
            Assert.Equal(expected, events);
        }
    }

    [Fact]
    public void Merging_two_sorted_runs_gives_what_sorting_both_together_gives()
    {
        var random = new Random(5);
        for (var round = 0; round < 200; round++)
        {
            var a = RandomEvents(random, random.Next(0, 500), 1000, 300);
            var b = RandomEvents(random, random.Next(0, 500), 1000, 300);
            Array.Sort(a);
            Array.Sort(b);
            var merged = new Event[a.Length + b.Length];
            HistoryEvents.Merge<Event>(a, b, merged);
            var expected = a.Concat(b).ToArray();
            Array.Sort(expected);
            Assert.Equal(expected, merged);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Events_are_in_time_order_calls_first_at_equal_times(bool crashedApart)
    {
        var random = new Random(crashedApart ? 1 : 2);
        for (var round = 0; round < 100; round++)
        {
            var ops = RandomOps(random, random.Next(1, 400));
            var definite = ops.Count(o => !o.Crashed);
            var events = new HistoryEvents(ops, definite, crashedApart);

            var expected = ops.Select(o => (Time: o.Call, Kind: 0, o.Id))
                .Concat(ops.Where(o => !o.Crashed).Select(o => (Time: o.Return, Kind: 1, o.Id)))
                .OrderBy(e => e.Time)
                .ThenBy(e => e.Kind)
                .ThenBy(e => e.Id)
                .ToList();
            Assert.Equal(expected.Count + 1, events.OpOf.Length);
            for (var k = 0; k < expected.Count; k++)
            {
                Assert.Equal(expected[k].Id, events.OpOf[k + 1]);
                Assert.Equal(expected[k].Kind == 0, events.IsCall[k + 1]);
            }
            // Every event is in exactly one list, in time order.
            var listed = Walk(events.Listed).Concat(crashedApart ? Walk(events.CrashedCalls) : []).Order();
            Assert.Equal(Enumerable.Range(1, expected.Count), listed);
            Assert.All(new[] { Walk(events.Listed), Walk(events.CrashedCalls), Walk(events.Returns) }, Ascending);
        }
    }

    /// <summary>Ops as the search numbers them: definite ones first in return order, crashed ones after, with
    /// times that often coincide and some long operations.</summary>
    static List<Operation> RandomOps(Random random, int count)
    {
        var spans = new List<(long Call, long Return, bool Crashed)>();
        for (var i = 0; i < count; i++)
        {
            long call = random.Next(0, count);
            var length = random.Next(5) == 0 ? random.Next(0, count) : random.Next(0, 4);
            spans.Add((call, call + length, random.Next(5) == 0));
        }
        var invoke = new Op(0, 0, 0, OpType.Invoke, "read", null);
        // Crashed ops come in call order from the search; in any order here, half the time.
        var crashed = spans.Where(s => s.Crashed);
        var ordered = spans
            .Where(s => !s.Crashed)
            .OrderBy(s => s.Return)
            .ThenBy(s => s.Call)
            .Concat(random.Next(2) == 0 ? crashed.OrderBy(s => s.Call) : crashed);
        return ordered
            .Select(
                (s, id) =>
                    new Operation(
                        id,
                        0,
                        "read",
                        null,
                        null,
                        null,
                        s.Crashed,
                        s.Call,
                        s.Crashed ? long.MaxValue : s.Return,
                        invoke,
                        null
                    )
            )
            .ToList();
    }

    static List<int> Walk(LinkedEvents list)
    {
        var nodes = new List<int>();
        for (var node = list.Next[0]; node >= 0; node = list.Next[node])
            nodes.Add(node);
        return nodes;
    }

    static void Ascending(List<int> nodes) => Assert.Equal(nodes.Order(), nodes);
}
