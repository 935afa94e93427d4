namespace Collage.Transforms.Configuration;

/// <summary>One grant: <see cref="Actions"/> on <see cref="Repositories"/> to <see cref="Users"/> and <see cref="Groups"/>.</summary>
public sealed record AccessRuleOptions
{
    /// <summary>Local repository patterns: <c>*</c> is one name segment, <c>**</c> any number of them. Required.</summary>
    public IReadOnlyList<string> Repositories { get; init; } = [];

    /// <summary>User names granted. Default: none.</summary>
    public IReadOnlyList<string> Users { get; init; } = [];

    /// <summary>Group names granted (from <see cref="AccessOptions.Groups"/>). Default: none.</summary>
    public IReadOnlyList<string> Groups { get; init; } = [];

    /// <summary><c>pull</c> (manifests, blobs, tags, referrers) and <c>catalog</c>. Default: <c>pull</c>.</summary>
    public IReadOnlyList<string> Actions { get; init; } = ["pull"];

    /// <summary>The vhosts the rule applies on (their keys as in <c>vhosts</c>, or <c>global</c>). Default: every one.</summary>
    public IReadOnlyList<string> Vhosts { get; init; } = [];
}
