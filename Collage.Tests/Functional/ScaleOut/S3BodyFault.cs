namespace Collage.Tests.Functional.ScaleOut;

/// <summary>What an <see cref="S3FaultProxy"/> does to the body of an object GET while it is set.</summary>
public enum S3BodyFault
{
    /// <summary>Forwards the object as s3rver sends it.</summary>
    None,

    /// <summary>Sends the headers and the first half of the body, then resets the connection (an RST).</summary>
    CutThenReset,

    /// <summary>Sends the headers and the first half of the body, then closes the connection (a FIN).</summary>
    CutThenClose,

    /// <summary>Sends the headers and the first half of the body, then nothing until the client gives up.</summary>
    StallMidway,

    /// <summary>Sends the whole body with one byte in the middle changed: the right length, the wrong digest.</summary>
    WrongBytes,
}
