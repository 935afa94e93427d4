using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Collage.Proxy.Ui;

/// <summary>
/// Writes a page's HTML. Every text and attribute value goes through <see cref="HtmlEncoder"/>: names, tags, labels and
/// error messages come from upstream registries and are never trusted as markup. Markup is only ever a literal here.
/// </summary>
internal sealed class HtmlBuilder
{
    private readonly StringBuilder _html = new(8192);

    /// <summary>Appends literal markup (a constant of the page, never data).</summary>
    public HtmlBuilder Raw(string markup)
    {
        _html.Append(markup);
        return this;
    }

    /// <summary>Appends <paramref name="text"/> as text.</summary>
    public HtmlBuilder Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _html.Append(HtmlEncoder.Default.Encode(text));
        }

        return this;
    }

    /// <summary>Appends <paramref name="value"/> as text in the invariant culture.</summary>
    public HtmlBuilder Number(long value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Appends <c> name="value"</c>, the value encoded.</summary>
    public HtmlBuilder Attr(string name, string? value)
    {
        _html.Append(' ').Append(name).Append("=\"");
        Text(value);
        _html.Append('"');
        return this;
    }

    /// <summary>Appends <c>&lt;tag class="css"&gt;text&lt;/tag&gt;</c>.</summary>
    public HtmlBuilder Element(string tag, string? css, string? text)
    {
        _html.Append('<').Append(tag);
        if (css is not null)
        {
            Attr("class", css);
        }

        _html.Append('>');
        Text(text);
        _html.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>Appends a link with encoded href and text.</summary>
    public HtmlBuilder Link(string href, string text, string? css = null, string? id = null)
    {
        _html.Append("<a");
        if (id is not null)
        {
            Attr("id", id);
        }

        if (css is not null)
        {
            Attr("class", css);
        }

        Attr("href", href);
        _html.Append('>');
        Text(text);
        _html.Append("</a>");
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => _html.ToString();
}
