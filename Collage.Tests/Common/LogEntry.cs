using Microsoft.Extensions.Logging;

namespace Collage.Tests.Common;

/// <summary>One message written to a <see cref="RecordingLogger{T}"/>.</summary>
/// <param name="Level">The level it was logged at.</param>
/// <param name="EventId">Its event id.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception logged with it, if any.</param>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception = null)
{
    /// <summary>The message and the rendered exception, to check that nothing secret is logged anywhere.</summary>
    public string Text => Exception is null ? Message : Message + " " + Exception;
}
