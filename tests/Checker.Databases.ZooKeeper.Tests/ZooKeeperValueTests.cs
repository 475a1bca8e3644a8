namespace Checker.Databases.ZooKeeper.Tests;

public sealed class ZooKeeperValueTests
{
    [Theory]
    [InlineData(3L, 0)]
    [InlineData(3L, 1)]
    [InlineData(-42L, 500_000)]
    public void A_padded_value_reads_back_as_the_number_and_weighs_what_was_asked(long value, int size)
    {
        var data = ZooKeeperOutcomes.Encode(value, size);
        Assert.Equal(value, ZooKeeperOutcomes.Decode(data));
        Assert.Equal(Math.Max(size, value.ToString(System.Globalization.CultureInfo.InvariantCulture).Length), data.Length);
    }
}
