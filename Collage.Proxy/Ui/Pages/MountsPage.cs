using Collage.Proxy.Health;
using Collage.Transforms.Configuration;
using Collage.Transforms.Diagnostics;
using Collage.Transforms.Mounts;

namespace Collage.Proxy.Ui.Pages;

/// <summary>
/// The home page: per vhost, each local prefix and the upstream namespaces behind it, how Collage authenticates there,
/// whether the cache keeps its content, its health from the last probe round, and its requests and bytes since start.
/// Answered from memory: it calls no upstream.
/// </summary>
internal sealed class MountsPage(MountTableProvider tables, UpstreamHealth health, HealthOptions probes, MountTraffic traffic, UiGate gate, UiLinks links)
{
    public async Task HandleAsync(HttpContext context)
    {
        var table = tables.Current;
        if (await gate.AdmitAsync(context, table, links) is not { } viewer)
        {
            return;
        }

        var html = UiLayout.Open(links, "Mounts", "mounts");
        html.Raw("<h1>Mounts</h1><p class=\"lead\">Each local name prefix and the upstream registry namespaces it is served from. Pull any name under a prefix from this host.</p>");
        var rows = 0;
        html.Raw("<div class=\"scroll\"><table id=\"mounts\">")
            .Raw("<thead><tr><th scope=\"col\">Host</th><th scope=\"col\">Local prefix</th><th scope=\"col\">Upstream</th><th scope=\"col\">Auth</th><th scope=\"col\">Cache</th><th scope=\"col\">Health</th><th scope=\"col\" class=\"num\">Requests</th><th scope=\"col\" class=\"num\">Bytes sent</th></tr></thead><tbody>");
        foreach (var map in new[] { table.Global }.Concat(table.Vhosts.Values))
        {
            foreach (var mount in map.Mounts.Where(m => viewer.MaySee(map, m)).OrderBy(m => m.LocalPrefix, StringComparer.Ordinal))
            {
                Row(html, table, map, mount);
                rows++;
            }
        }

        html.Raw("</tbody></table></div>");
        if (rows == 0)
        {
            UiLayout.Error(html, "There is nothing here that you may pull.");
        }

        html.Raw("<p class=\"hint\">Health comes from the upstream probes (")
            .Text(probes.ProbeUpstreams ? $"every {probes.ProbeInterval.TotalSeconds:0} s" : "off: set health.probeUpstreams to see it")
            .Raw("); requests and bytes are counted since this process started, the page's own calls included.</p>");
        await UiLayout.WriteAsync(context, StatusCodes.Status200OK, UiLayout.Close(html));
    }

    private void Row(HtmlBuilder html, MountTable table, MountMap map, Mount mount)
    {
        var prefix = MetricTags.MountName(mount);
        html.Raw("<tr class=\"mount\"").Attr("data-vhost", map.Name).Attr("data-prefix", prefix).Raw(">")
            .Raw("<td class=\"vhost\">").Text(map.Name == "global" ? "any" : map.Name).Raw("</td>")
            .Raw("<td class=\"prefix\"><code>").Text(prefix).Raw("</code></td><td class=\"upstream\">");
        foreach (var member in mount.Members)
        {
            var target = member.UpstreamPrefix.Length == 0 ? member.Upstream.Authority : $"{member.Upstream.Authority}/{member.UpstreamPrefix}";
            html.Raw("<span class=\"member\"").Attr("data-health", MemberHealth(member.Upstream.Authority)).Raw(">").Text(target).Raw("</span>");
        }

        var options = table.UpstreamOptions.GetValueOrDefault(mount.Upstream.Authority);
        var auth = options?.Auth == UpstreamAuthMode.Passthrough ? "passthrough"
            : options?.Username is not null || options?.IdentityToken is not null ? "credentials" : "anonymous";
        var cache = mount.Members.Any(m => table.CacheFor(m.Upstream) is not null) ? "on" : "off";
        var state = Health(mount);
        var (requests, bytes) = traffic.Of(map.Name, prefix);
        html.Raw("</td><td class=\"auth\">").Text(auth).Raw("</td><td class=\"cache\">").Text(cache).Raw("</td>")
            .Raw("<td class=\"health\"").Attr("data-health", state).Raw("><span class=\"dot\" aria-hidden=\"true\"></span>").Text(state).Raw("</td>")
            .Raw("<td class=\"requests num\"").Attr("data-value", requests.ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw(">").Number(requests).Raw("</td>")
            .Raw("<td class=\"bytes num\"").Attr("data-value", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)).Raw(">").Text(ByteSize.Format(bytes)).Raw("</td></tr>");
    }

    // A group is up while one member is: that is when it serves (readiness judges it so too).
    private string Health(Mount mount)
    {
        var members = mount.Members.Select(m => MemberHealth(m.Upstream.Authority)).ToList();
        return members.Contains("up") ? "up" : members.Contains("down") ? "down" : "unknown";
    }

    private string MemberHealth(string authority) =>
        !probes.ProbeUpstreams || health.Last?.FirstOrDefault(r => r.Upstream == authority) is not { } result ? "unknown" : result.IsUp ? "up" : "down";
}
