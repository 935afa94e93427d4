namespace Collage.Tests.Functional.Observability;

/// <summary>One measurement a <see cref="System.Diagnostics.Metrics.MeterListener"/> saw.</summary>
internal sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);
