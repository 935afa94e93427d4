using Microsoft.Extensions.Logging;

namespace Collage.Tests.Common;

/// <summary>One message written to a <see cref="RecordingLogger{T}"/>.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message);
