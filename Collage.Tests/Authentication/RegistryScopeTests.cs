using Collage.Transforms.Authentication;

namespace Collage.Tests.Authentication;

public sealed class RegistryScopeTests
{
    [Fact]
    public void Split_SeveralScopes_SplitsOnSpaces()
    {
        RegistryScope.Split(" repository:a:pull  repository:b:pull,push ").Should().Equal("repository:a:pull", "repository:b:pull,push");
    }
}
