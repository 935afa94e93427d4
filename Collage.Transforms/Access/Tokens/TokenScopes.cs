using Collage.Transforms.Registry;

namespace Collage.Transforms.Access.Tokens;

/// <summary>
/// The scopes a client asks Collage's token endpoint for (distribution's token scope grammar:
/// <c>repository:&lt;name&gt;:&lt;action&gt;[,&lt;action&gt;]</c> and <c>registry:catalog:*</c>), narrowed to what
/// Collage can grant: <c>pull</c> of a repository, the catalog. Push, delete and anything malformed are dropped, not
/// refused: a token server grants the part of a request it may (docker asks <c>pull,push</c> when it copies).
/// </summary>
internal sealed record TokenScopes(IReadOnlyList<string> Pull, bool Catalog)
{
    /// <summary>The most repositories one token names; a pull asks for one or two.</summary>
    public const int MaxRepositories = 64;

    /// <summary>Parses <paramref name="scopes"/>, each one scope.</summary>
    public static TokenScopes Parse(IEnumerable<string> scopes)
    {
        var pull = new List<string>();
        var catalog = false;
        foreach (var scope in scopes)
        {
            // The name may not hold ':' (the grammar's repository names have none) but may be followed by actions.
            var first = scope.IndexOf(':');
            var last = scope.LastIndexOf(':');
            if (first <= 0 || last == first)
            {
                continue;
            }

            var (type, name, actions) = (scope[..first], scope[(first + 1)..last], scope[(last + 1)..].Split(','));
            if (type == "registry" && name == "catalog" && actions.Contains("*"))
            {
                catalog = true;
            }
            else if (type == "repository" && actions.Contains("pull") && ReferenceGrammar.IsValidName(name) && !pull.Contains(name) && pull.Count < MaxRepositories)
            {
                pull.Add(name);
            }
        }

        return new TokenScopes(pull, catalog);
    }
}
