using Collage.Proxy.Ui.Pages;

namespace Collage.Proxy.Ui;

/// <summary>
/// Maps the page under <see cref="UiOptions.Path"/>: the mounts (home), the repositories, a repository, a tag, and the
/// embedded assets. Outside <c>/v2/</c>, so the registry API's front door lets it pass; the page's own calls to
/// <c>/v2/</c> go through that front door like any client's.
/// </summary>
internal static partial class UiEndpoints
{
    /// <summary>Maps the page's routes on <paramref name="app"/>.</summary>
    public static void MapUi(this WebApplication app, UiOptions options)
    {
        var path = options.Path;

        // Now, not at the first view of the mounts page: it counts from the first request on.
        _ = app.Services.GetRequiredService<MountTraffic>();
        // Routing matches /ui and /ui/ alike; every link of the page is absolute, so neither needs a redirect.
        app.MapGet(path + "/", (HttpContext context, MountsPage page) => Guard(context, page.HandleAsync));
        app.MapGet(path + "/repositories", (HttpContext context, RepositoriesPage page) => Guard(context, page.HandleAsync));
        app.MapGet(path + "/repository", (HttpContext context, RepositoryPage page) => Guard(context, page.HandleAsync));
        app.MapGet(path + "/tag", (HttpContext context, TagPage page) => Guard(context, page.HandleAsync));
        app.MapGet(path + "/assets/{file}", (HttpContext context, string file) => UiAssets.HandleAsync(context, file));
    }

    // A call to /v2/ that fails outright (Collage's own listener gone, a timeout): a page that says so, never a blank
    // page or a stack trace.
    private static async Task Guard(HttpContext context, Func<HttpContext, Task> page)
    {
        try
        {
            await page(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested
            && ex is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException or IOException)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Collage.Ui");
            LogPageFailed(logger, context.Request.Path.Value ?? string.Empty, ex.GetType().Name, ex);
            context.Response.Clear();
            await UiFailure.Message(context, context.RequestServices.GetRequiredService<UiLinks>(), StatusCodes.Status502BadGateway,
                "Not available", "Collage could not read this from its registry API. Try again in a moment.", string.Empty);
        }
    }

    [LoggerMessage(EventId = Transforms.Diagnostics.EventIds.UiPageFailed, Level = LogLevel.Warning, Message = "The web page {Path} failed on its call to /v2/ ({Failure})")]
    private static partial void LogPageFailed(ILogger logger, string path, string failure, Exception exception);
}
