using Collage.Transforms.Redirects;

namespace Collage.Tests.Redirects;

public sealed class RedirectOptionsTests
{
    [Fact]
    public void MaxRedirects_DefaultsToFive()
    {
        new RedirectOptions().MaxRedirects.Should().Be(5).And.Be(RedirectOptions.DefaultMaxRedirects);
    }
}
