namespace Collage.Transforms.Authentication;

/// <summary>The token server (realm) and service an upstream's Bearer challenge named.</summary>
internal sealed record BearerRealm(string Realm, string? Service);
