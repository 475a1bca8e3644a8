using System.Text;
using Checker.Core.History;

namespace Checker.Core.Formats;

/// <summary>
/// Reads a history file's text for the format readers, guarding against what a crash or a wrong file
/// leaves: bytes that are not UTF-8 are bad input (two different broken strings must never both read
/// as U+FFFD and compare equal), and NUL bytes end the text. A file that ends in NUL padding (a writer
/// killed after the file was extended) is read up to the padding and the padding is reported; a NUL
/// with more text after it is bad input.
/// </summary>
public sealed class GuardedReader : TextReader
{
    readonly TextReader inner;
    readonly string source;
    int line = 1; // of the next char handed out
    bool ended;

    /// <summary>Where NUL padding began (1-based line) and how many chars of it there were; null: none.</summary>
    public (int Line, long Chars)? Padding { get; private set; }

    public GuardedReader(Stream stream, string source)
    {
        inner = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true), true, 1 << 16);
        this.source = source;
    }

    readonly char[] buf = new char[1 << 16];
    int pos,
        len;

    /// <summary>Refills the buffer; false at the end of the text (end of file, or NUL padding).</summary>
    bool Fill()
    {
        if (pos < len)
            return true;
        if (ended)
            return false;
        pos = 0;
        try
        {
            len = inner.Read(buf, 0, buf.Length);
        }
        catch (DecoderFallbackException)
        {
            throw new HistoryFormatException(
                source,
                line,
                $"not valid UTF-8 (at line {line} or after): strings that cannot be read cannot be compared"
            );
        }
        for (var i = 0; i < len; i++)
        {
            if (buf[i] != '\0')
                continue;
            EndAtPadding(buf, i, len);
            len = i;
            break;
        }
        if (len == 0)
            ended = true;
        return len > 0;
    }

    public override int Read(char[] buffer, int index, int count)
    {
        if (count == 0 || !Fill())
            return 0;
        var n = Math.Min(count, len - pos);
        for (var i = 0; i < n; i++)
            if (buf[pos + i] == '\n')
                line++;
        Array.Copy(buf, pos, buffer, index, n);
        pos += n;
        return n;
    }

    public override int Read()
    {
        if (!Fill())
            return -1;
        var c = buf[pos++];
        if (c == '\n')
            line++;
        return c;
    }

    public override int Peek() => Fill() ? buf[pos] : -1;

    /// <summary>
    /// The next line without its "\n" (and a "\r" before it), or null at the end. Only "\n" ends a line, so
    /// line numbers agree with the other readers'; a lone "\r" stays in the line.
    /// </summary>
    public override string? ReadLine()
    {
        if (!Fill())
            return null;
        System.Text.StringBuilder? longLine = null;
        while (true)
        {
            var rest = buf.AsSpan(pos, len - pos);
            var nl = rest.IndexOf('\n');
            if (nl >= 0)
            {
                pos += nl + 1;
                line++;
                var text = rest[..nl];
                if (longLine is null)
                    return new string(text.EndsWith('\r') ? text[..^1] : text);
                longLine.Append(text);
                if (longLine.Length > 0 && longLine[^1] == '\r')
                    longLine.Length--;
                return longLine.ToString();
            }
            (longLine ??= new System.Text.StringBuilder()).Append(rest);
            pos = len;
            if (!Fill())
                return longLine.ToString();
        }
    }

    /// <summary>Past the first NUL only NULs (and white space) may follow: then it is padding, else bad
    /// input.</summary>
    void EndAtPadding(char[] buffer, int from, int to)
    {
        ended = true;
        long chars = 0;
        var block = buffer;
        var at = line;
        for (var i = pos; i < from; i++)
            if (buffer[i] == '\n')
                at++;
        while (true)
        {
            for (var i = from; i < to; i++)
            {
                if (block[i] == '\0')
                    chars++;
                else if (!char.IsWhiteSpace(block[i]))
                    throw new HistoryFormatException(
                        source,
                        at,
                        "a NUL byte, with more text after it: the file is damaged"
                    );
            }
            block = new char[1 << 16];
            from = 0;
            try
            {
                to = inner.Read(block, 0, block.Length);
            }
            catch (DecoderFallbackException)
            {
                throw new HistoryFormatException(source, at, "not valid UTF-8 after NUL bytes: the file is damaged");
            }
            if (to == 0)
                break;
        }
        Padding = (at, chars);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
