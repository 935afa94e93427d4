namespace Collage.Proxy.Ui;

/// <summary>
/// The web page: what is mounted where, the repositories, their tags and what a tag holds, with the pull commands.
/// Configured under <c>Collage:Ui</c> (or <c>ui</c> in a config file in the original format); read at start-up only.
/// </summary>
public sealed record UiOptions
{
    /// <summary>The configuration section these options come from.</summary>
    public const string SectionName = "Collage:Ui";

    /// <summary>Whether Collage serves the page. Default true: it is read-only and shows what <c>/v2/</c> would.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Where the page lives: a path of one or more segments, without a trailing slash, outside <c>/v2/</c> and
    /// Collage's own endpoints. Default <c>/ui</c>.
    /// </summary>
    public string Path { get; init; } = "/ui";
}
