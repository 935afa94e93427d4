namespace Collage.Proxy.Ui;

/// <summary>
/// A failed call to <c>/v2/</c> as the page shows it: a 401 asks the browser to log in, anything else is a page with a
/// sentence and Collage's own OCI error code and message, which never name an upstream's address or carry a credential.
/// </summary>
internal static class UiFailure
{
    /// <summary>Writes the page for <paramref name="answer"/>, a failed call made to show <paramref name="subject"/>.</summary>
    public static Task WriteAsync(HttpContext context, UiLinks links, UiAnswer answer, string subject, string current)
    {
        if (answer.Status == StatusCodes.Status401Unauthorized)
        {
            return UiGate.ChallengeAsync(context, links);
        }

        var detail = answer.ErrorText() ?? $"status {answer.Status}";
        var (status, message) = answer.Status switch
        {
            StatusCodes.Status404NotFound => (StatusCodes.Status404NotFound, $"There is no {subject} here ({detail})."),
            StatusCodes.Status400BadRequest => (StatusCodes.Status400BadRequest, $"That is not a valid name ({detail})."),
            StatusCodes.Status429TooManyRequests => (StatusCodes.Status429TooManyRequests, $"Too many requests: try again later ({detail})."),
            _ when answer.TooLarge => (StatusCodes.Status502BadGateway, $"The {subject} is larger than the page reads."),
            >= 500 => (StatusCodes.Status502BadGateway, $"The upstream registry of {subject} did not answer ({detail}). Try again later; the mounts page shows its health."),
            _ => (StatusCodes.Status502BadGateway, $"The {subject} could not be read ({detail})."),
        };
        return Message(context, links, status, "Not available", message, current);
    }

    /// <summary>Writes a page holding only <paramref name="message"/>.</summary>
    public static Task Message(HttpContext context, UiLinks links, int status, string title, string message, string current)
    {
        var html = UiLayout.Open(links, title, current);
        UiLayout.Error(html.Raw("<h1>").Text(title).Raw("</h1>"), message);
        html.Raw("<p>").Link(links.Mounts, "See the mounts").Text(" or ").Link(links.Repositories(), "the repositories").Raw(".</p>");
        return UiLayout.WriteAsync(context, status, UiLayout.Close(html));
    }
}
