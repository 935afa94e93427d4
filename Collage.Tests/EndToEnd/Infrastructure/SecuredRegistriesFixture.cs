namespace Collage.Tests.EndToEnd.Infrastructure;

/// <summary>
/// Two real secured distribution registries with the same image, <c>team/app:v1</c>: <see cref="BasicRegistry"/>
/// wants htpasswd Basic auth, <see cref="TokenRegistry"/> runs <c>auth: token</c> with <see cref="TokenServer"/>
/// as its realm. Both know <see cref="User"/>.
/// </summary>
public sealed class SecuredRegistriesFixture : IAsyncLifetime
{
    public const string Repository = "team/app";
    public const string Tag = "v1";

    private readonly List<IAsyncDisposable> _disposables = [];
    private TempDirectory? _layoutDirectory;

    /// <summary>The one user both registries know. The password is long and unique, so a search for it in logs is meaningful.</summary>
    internal BasicAuthCredentials User { get; } = new("robot", "pw-" + Guid.NewGuid().ToString("N"));

    internal DistributionRegistry BasicRegistry { get; private set; } = null!;

    internal DistributionRegistry TokenRegistry { get; private set; } = null!;

    internal RegistryTokenServer TokenServer { get; private set; } = null!;

    internal ImageRef App { get; private set; } = null!;

    internal Skopeo Skopeo { get; } = new();

    public async Task InitializeAsync()
    {
        try
        {
            _layoutDirectory = TempDirectory.Create("secured-layout");
            var layout = new OciImageLayout(_layoutDirectory.Path);
            App = layout.AddImage("app", [60_000, 20_000]);

            TokenServer = Track(await RegistryTokenServer.StartAsync(new Dictionary<string, string> { [User.Username] = User.Password }));
            var basic = DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-basic", BasicAuth = User });
            var token = DistributionRegistry.StartAsync(new DistributionRegistryOptions { Name = "registry-token", ExtraYaml = TokenServer.RegistryYaml });
            try
            {
                await Task.WhenAll(basic, token);
            }
            finally
            {
                if (basic.IsCompletedSuccessfully)
                {
                    BasicRegistry = Track(basic.Result);
                }

                if (token.IsCompletedSuccessfully)
                {
                    TokenRegistry = Track(token.Result);
                }
            }

            await Task.WhenAll(
                Skopeo.CopyAsync(layout.Reference("app"), BasicRegistry.DockerReference(Repository, Tag), "--dest-creds", User.ColonSeparated),
                Skopeo.CopyAsync(layout.Reference("app"), TokenRegistry.DockerReference(Repository, Tag), "--dest-creds", User.ColonSeparated));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }

        _disposables.Clear();
        Skopeo.Dispose();
        _layoutDirectory?.Dispose();
    }

    private T Track<T>(T disposable)
        where T : IAsyncDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }
}
