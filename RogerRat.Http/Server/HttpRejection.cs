using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace RogerRat.Http.Server;

/// <summary>
/// Why the server refused a request: malformed or over a limit. Answered once per connection, then closed. Thrown only
/// through <see cref="Throw(RequestRejectionReason)"/> (or <see cref="Create(RequestRejectionReason, string?)"/> where the
/// compiler needs a <c>throw</c>), so every status, wire code and message comes from the one table in <see cref="Describe"/>.
/// </summary>
internal sealed class HttpRejection : Exception
{
    private HttpRejection(RequestRejectionReason reason, int status, string code, string message) : base(message)
    {
        Reason = reason;
        Status = status;
        Code = code;
    }

    public RequestRejectionReason Reason { get; }
    public int Status { get; }
    public string Code { get; }

    [DoesNotReturn, StackTraceHidden]
    public static void Throw(RequestRejectionReason reason) => throw Create(reason);

    /// <summary>For a parameterised reason: <paramref name="detail"/> fills the message's <c>{0}</c>.</summary>
    [DoesNotReturn, StackTraceHidden]
    public static void Throw(RequestRejectionReason reason, string detail) => throw Create(reason, detail);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static HttpRejection Create(RequestRejectionReason reason, string? detail = null)
    {
        var (status, code, message) = Describe(reason);
        if (detail is not null) message = message.Replace("{0}", detail, StringComparison.Ordinal);
        return new HttpRejection(reason, status, code, message);
    }

    // The one table: what the client sees for each reason (status line, "code" and "error" of the JSON body).
    private static (int Status, string Code, string Message) Describe(RequestRejectionReason reason) => reason switch
    {
        RequestRejectionReason.MalformedRequestLine => BadRequest("malformed request line"),
        RequestRejectionReason.InvalidCharacterInRequestLine => BadRequest("invalid character in request line"),
        RequestRejectionReason.InvalidMethod => BadRequest("invalid method"),
        RequestRejectionReason.InvalidCharacterInRequestTarget => BadRequest("invalid character in request target"),
        RequestRejectionReason.ConnectWithoutAuthorityForm => BadRequest("CONNECT needs an authority-form target"),
        RequestRejectionReason.AsteriskFormWithoutOptions => BadRequest("the asterisk-form target is only for OPTIONS"),
        RequestRejectionReason.InvalidRequestTarget => BadRequest("invalid request target"),
        RequestRejectionReason.MalformedHttpVersion => BadRequest("malformed HTTP version"),

        RequestRejectionReason.BareLineFeedInHead => BadRequest("bare LF in request head"),
        RequestRejectionReason.BareCarriageReturnInHead => BadRequest("bare CR in request head"),
        RequestRejectionReason.EmptyHeaderLine => BadRequest("empty header line"),
        RequestRejectionReason.ObsoleteLineFolding => BadRequest("obsolete line folding is not allowed"),
        RequestRejectionReason.HeaderLineWithoutColon => BadRequest("header line without a colon"),
        RequestRejectionReason.EmptyHeaderName => BadRequest("empty header name"),
        RequestRejectionReason.InvalidHeaderName => BadRequest("invalid header name (whitespace before the colon or a bad character)"),
        RequestRejectionReason.ControlCharacterInHeaderValue => BadRequest("control character in a header value"),

        RequestRejectionReason.InvalidHost => BadRequest("invalid Host header"),
        RequestRejectionReason.MissingHost => BadRequest("missing Host header"),
        RequestRejectionReason.DuplicateHost => BadRequest("duplicate Host header"),
        RequestRejectionReason.HostMismatchesTarget => BadRequest("Host does not match the absolute-form target"),
        RequestRejectionReason.DuplicateContentType => BadRequest("duplicate Content-Type"),
        RequestRejectionReason.FramingLookalikeHeaderName => BadRequest("header name looks like a framing field"),
        RequestRejectionReason.InvalidContentLength => BadRequest("invalid Content-Length"),
        RequestRejectionReason.LeadingZeroInContentLength => BadRequest("leading zero in Content-Length"),
        RequestRejectionReason.ConflictingContentLength => BadRequest("conflicting Content-Length"),
        RequestRejectionReason.ContentLengthWithTransferEncoding => BadRequest("both Content-Length and Transfer-Encoding"),
        RequestRejectionReason.TransferEncodingOnHttp10 => BadRequest("Transfer-Encoding on HTTP/1.0"),
        RequestRejectionReason.FinalTransferCodingNotChunked => BadRequest("Transfer-Encoding must end with chunked"),

        RequestRejectionReason.ClosedInRequestHead => BadRequest("connection closed in the middle of a request head"),
        RequestRejectionReason.ClosedInRequestBody => BadRequest("connection closed before the whole body arrived"),

        RequestRejectionReason.ChunkSizeLineTooLong => BadRequest("chunk size line too long"),
        RequestRejectionReason.BareLineFeedInChunkedBody => BadRequest("bare LF in chunked body"),
        RequestRejectionReason.InvalidChunkSize => BadRequest("invalid chunk size"),
        RequestRejectionReason.ChunkSizeTooLarge => BadRequest("chunk size too large"),
        RequestRejectionReason.InvalidChunkExtension => BadRequest("invalid chunk extension"),
        RequestRejectionReason.ChunkDataWithoutCrlf => BadRequest("chunk data not followed by CRLF"),
        RequestRejectionReason.MalformedTrailerField => BadRequest("malformed trailer field"),
        RequestRejectionReason.ControlCharacterInTrailerField => BadRequest("control character in a trailer field"),
        RequestRejectionReason.ForbiddenTrailerField => BadRequest("{0} is not allowed in a trailer"),

        RequestRejectionReason.RequestHeadersTimeout => (408, "request_timeout", "request headers not received in time"),
        RequestRejectionReason.RequestBodyTimeout => (408, "request_timeout", "request body arrived too slowly"),
        RequestRejectionReason.RequestBodyTooLarge => (413, "payload_too_large", "request body too large"),
        RequestRejectionReason.RequestLineTooLong => (414, "uri_too_long", "request line too long"),
        RequestRejectionReason.UnsupportedExpectation => (417, "expectation_failed", "unsupported expectation"),
        RequestRejectionReason.HeadersTooLarge => (431, "headers_too_large", "request header fields too large"),
        RequestRejectionReason.TooManyHeaders => (431, "headers_too_large", "too many header fields"),
        RequestRejectionReason.TrailerSectionTooLarge => (431, "headers_too_large", "trailer section too large"),
        RequestRejectionReason.ConnectNotSupported => (501, "not_implemented", "CONNECT is not supported"),
        RequestRejectionReason.UnsupportedTransferCoding => (501, "not_implemented", "only the chunked transfer coding is supported"),
        RequestRejectionReason.HttpVersionNotSupported => (505, "http_version_not_supported", "HTTP version not supported"),
        _ => throw new UnreachableException(),
    };

    private static (int, string, string) BadRequest(string message) => (400, "bad_request", message);
}
