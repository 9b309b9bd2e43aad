namespace RogerRat.Tests.Core;

public class SmokeTests
{
    [Fact]
    public void Builds() => Assert.True(true);
}
