using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Collage.Transforms.Rewriting;

/// <summary>
/// Gives every Collage route the registry transforms and switches off YARP's defaults that do not fit a
/// gateway: copying every client header (Authorization and Cookie included), copying every upstream
/// header, and adding X-Forwarded-*.
/// </summary>
internal sealed class RegistryTransformProvider(ILogger<UpstreamResponseTransform> logger) : ITransformProvider
{
    private static readonly UpstreamRequestTransform RequestTransform = new();
    private readonly UpstreamResponseTransform _responseTransform = new(logger);

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        context.CopyRequestHeaders = false;
        context.CopyResponseHeaders = false;
        context.CopyResponseTrailers = false;
        context.UseDefaultForwarders = false;
        context.RequestTransforms.Add(RequestTransform);
        context.ResponseTransforms.Add(_responseTransform);
    }
}
