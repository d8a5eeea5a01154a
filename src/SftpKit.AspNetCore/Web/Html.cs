using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace SftpKit.AspNetCore.Web;

/// <summary>
/// A piece of HTML that is safe to write as is. Pages are built with <see cref="Of"/>: an interpolated string whose
/// literal parts are markup and whose holes are HTML-encoded unless they already are <see cref="Html"/> (or a
/// sequence of it). So <c>Html.Of($"&lt;td&gt;{account.UserName}&lt;/td&gt;")</c> cannot inject markup whatever the
/// name holds. Numbers and dates are formatted with the invariant culture. Attribute values must be quoted in the
/// literal (<c>value="{x}"</c>); the encoder escapes quotes.
/// <para>
/// The pages are rendered this way rather than as Razor components because a Razor component is always a public
/// type, which would put every page into the package's public API.
/// </para>
/// </summary>
internal readonly struct Html
{
    private readonly string? _value;

    private Html(string value) => _value = value;

    /// <summary>Nothing.</summary>
    public static Html Empty => default;

    /// <summary>Markup trusted as is: only for constants and for the output of other <see cref="Html"/> builders.</summary>
    public static Html Raw(string markup) => new(markup);

    /// <summary>Builds markup from an interpolated string, encoding every hole that is not <see cref="Html"/>.</summary>
    public static Html Of([InterpolatedStringHandlerArgument] ref HtmlInterpolatedStringHandler handler) => new(handler.ToStringAndClear());

    /// <summary>The encoded text.</summary>
    public static Html Text(string? text) => new(HtmlEncoder.Default.Encode(text ?? ""));

    /// <summary>The pieces one after another.</summary>
    public static Html Join(IEnumerable<Html> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            sb.Append(part._value);
        }
        return new(sb.ToString());
    }

    /// <summary><paramref name="content"/> when <paramref name="condition"/>, else nothing.</summary>
    public static Html If(bool condition, Html content) => condition ? content : Empty;

    /// <inheritdoc/>
    public override string ToString() => _value ?? "";
}

/// <summary>The interpolated string handler of <see cref="Html.Of"/>.</summary>
[InterpolatedStringHandler]
internal ref struct HtmlInterpolatedStringHandler
{
    private StringBuilder? _sb;

    public HtmlInterpolatedStringHandler(int literalLength, int formattedCount) => _sb = new StringBuilder(literalLength + (formattedCount * 16));

    public readonly void AppendLiteral(string value) => _sb!.Append(value);

    public readonly void AppendFormatted(Html value) => _sb!.Append(value.ToString());

    public readonly void AppendFormatted(IEnumerable<Html>? values)
    {
        if (values is null)
        {
            return;
        }
        foreach (var value in values)
        {
            _sb!.Append(value.ToString());
        }
    }

    public readonly void AppendFormatted(string? value) => _sb!.Append(HtmlEncoder.Default.Encode(value ?? ""));

    public readonly void AppendFormatted<T>(T value, string? format = null)
    {
        if (value is Html html)
        {
            _sb!.Append(html.ToString());
            return;
        }
        if (value is IEnumerable<Html> many)
        {
            AppendFormatted(many);
            return;
        }
        string? text = value switch
        {
            null => null,
            IFormattable f => f.ToString(format, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        _sb!.Append(HtmlEncoder.Default.Encode(text ?? ""));
    }

    public string ToStringAndClear()
    {
        string s = _sb!.ToString();
        _sb = null;
        return s;
    }
}
