using Checker.Core.Checks;
using Checker.Core.History;
using Checker.Core.Models;

namespace Checker.Core.Linearizability;

/// <summary>
/// Wing &amp; Gong's search with Lowe's refinements, as in Porcupine. The history becomes one list of
/// call and return events in time order. Walking it, the search tries to linearize (make take effect)
/// any operation whose call it meets; meeting a return means that operation must already have taken
/// effect, so the search backtracks to its last choice. Only calls before the first pending return
/// are candidates: that is "just-in-time" linearization, and it keeps the branching small.
///
/// Intervals are closed: at equal times calls sort before returns, so two operations that touch the
/// same instant count as concurrent. Without timestamps (Jepsen text logs) positions serve as times.
///
/// Crashed operations have a call and no return: the search may linearize them at any point after
/// their call, or never, so they never block it. The history is linearizable once every return is
/// passed. This is Porcupine's "return at infinity": an operation that may take effect after
/// everything else is one that may take effect or not.
///
/// Two orders of trying them, because each is fast where the other is slow:
/// - In call order, among the definite calls (Porcupine's order). A linearization is found quickly:
///   a crashed operation is used up early, typically just before a write erases it, so it leaves the
///   list of candidates. Left for later, every crashed operation called so far stays a candidate at
///   every dead end, and with hundreds of them the search crawls. (Filed operations, below, are tried
///   first in this order: they were called before the definite candidates, typically.)
/// - Last: each configuration tries its definite candidates first, its crashed ones only when those
///   ran into a return. A configuration that used fewer crashed operations covers those that used
///   more (see <see cref="VisitedSet"/>); reaching it first lets the cache prune the rest, which is
///   what an exhaustive search (an invalid history) needs.
/// Run tries call order first, up to a number of configurations proportional to the history (valid
/// histories finish well within it), then searches again with crashed operations last.
///
/// A crashed operation is not tried right after another crashed one whose effect it erases (a write
/// after a write): the same state comes from it alone, with fewer used, by the path that skipped the
/// first. Crashed operations that are alike (same f, key and input) are interchangeable once both are
/// called, so only the earliest-called unused one of each kind is a candidate: any linearization that
/// uses a later one can use the earlier one in its place.
///
/// A crashed operation that can take effect in one state only (a compare-and-set from a value, see
/// <see cref="Model.OnlyIn"/>) is filed under that state and tried only in configurations in it. Left
/// in the lists, every such operation called so far (those whose expected value is long gone, or never
/// was) is asked about in every configuration: the work per configuration grows with the history, and
/// the search time with its square.
///
/// In a register, a crashed write (or compare-and-set) matters only while some definite operation left
/// may read the value it leaves, directly or through crashed compare-and-sets from it: past that horizon
/// it is not tried, and one whose value nobody reads is left out (see <see cref="Reductions.Horizons"/>;
/// likewise a kv append that no get returned, see <see cref="Model.Unobservable"/>).
/// Without this every crashed write called so far is a candidate at every dead end, and an invalid
/// history full of them is searched through every order of them before the stale read is found out.
///
/// Where the state only grows between resets (a kv key's string between puts, see <see cref="Model.Grows"/>),
/// a configuration is left as soon as the first pending get could no longer find its value.
///
/// Where the model says which part of the state an operation touches (kv keys), only candidates on
/// the same part as the first pending return are tried: operations on other parts commute with them
/// and cannot become candidates sooner, so trying them first only revisits the same outcomes in
/// another order (a partial-order reduction; one order per set of commuting operations is enough).
/// </summary>
internal static class Search
{
    /// <summary>Why a search in call order gave way to one with crashed operations last.</summary>
    const string CapReached = Exploration.CapReached;

    /// <summary>Searches for a linearization from any of the starts (default: the model's initial state).
    /// Past work configurations in all it stops, unknown with cause <see cref="WorkCapReached"/>: a bound by
    /// work, unlike the budget's time, gives the same answer on any machine.</summary>
    public static SearchOutcome Run(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig>? starts = null,
        long work = long.MaxValue
    )
    {
        starts ??= [StartConfig.Initial(model)];
        if (!all.Any(o => o.Crashed && !model.ReadOnly(o)))
            return Capped(Explore(all, model, budget, starts, null, crashedLast: true, work), work);
        var quickCap = Math.Min(4L * all.Count + 1_000, work);
        var quick = Explore(all, model, budget, starts, null, crashedLast: false, cap: quickCap);
        if (!ReferenceEquals(quick.Cause, CapReached))
            return quick;
        if (quickCap == work || work - quick.Configurations <= 0)
            return quick with { Cause = WorkCapReached };
        var thorough = Explore(all, model, budget, starts, null, crashedLast: true, work - quick.Configurations);
        return Capped(thorough with { Configurations = thorough.Configurations + quick.Configurations }, work);
    }

    /// <summary>Why a search given a bound on its work stopped there.</summary>
    public const string WorkCapReached = "work limit reached";

    static SearchOutcome Capped(SearchOutcome outcome, long work) =>
        work != long.MaxValue && ReferenceEquals(outcome.Cause, CapReached)
            ? outcome with
            {
                Cause = WorkCapReached,
            }
            : outcome;

    /// <summary>One search in one order of trying crashed operations, with no cap (for tests of each order);
    /// pruneByValues true prunes by values however few crashed operations there are, false never (for tests of
    /// the horizons).</summary>
    internal static SearchOutcome RunInOrder(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        bool crashedLast,
        bool pruneByValues = true
    ) =>
        Explore(
            all,
            model,
            budget,
            [StartConfig.Initial(model)],
            null,
            crashedLast,
            long.MaxValue,
            pruneByValues ? 0 : int.MaxValue
        );

    /// <summary>
    /// Fills ends with every configuration the object can be in once all of these operations' definite
    /// ones took effect (crashed ones optional), keeping for each state only the smallest sets of
    /// crashed operations used. Unknown if the budget ran out, invalid if there is none. Used to cut a
    /// history in two at a quiet moment. Given the operations after the cut (later), a register's ends
    /// leave out those that only crashed operations no later one can read could reach (see
    /// <see cref="Reductions.Horizons"/>). Past work configurations it stops, unknown.
    /// </summary>
    public static SearchOutcome Ends(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig> starts,
        List<StartConfig> ends,
        IReadOnlyList<Operation>? later = null,
        int pruneFrom = Exploration.PruneFrom,
        long work = long.MaxValue
    ) =>
        Capped(
            new Exploration(all, model, budget, starts, ends, crashedLast: true, work, pruneFrom, later).Run(),
            work
        );

    static SearchOutcome Explore(
        IReadOnlyList<Operation> all,
        Model model,
        Budget budget,
        IReadOnlyList<StartConfig> starts,
        List<StartConfig>? ends,
        bool crashedLast,
        long cap,
        int pruneFrom = Exploration.PruneFrom
    ) => new Exploration(all, model, budget, starts, ends, crashedLast, cap, pruneFrom).Run();
}
