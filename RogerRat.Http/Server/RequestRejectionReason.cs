namespace RogerRat.Http.Server;

/// <summary>Why the server refused a request (Kestrel's RequestRejectionReason). Each reason's status, wire code and
/// message live in one table, <see cref="HttpRejection"/>; the names follow RFC 9112's vocabulary.</summary>
internal enum RequestRejectionReason
{
    // 400: the request line
    MalformedRequestLine,
    InvalidCharacterInRequestLine,
    InvalidMethod,
    InvalidCharacterInRequestTarget,
    ConnectWithoutAuthorityForm,
    AsteriskFormWithoutOptions,
    InvalidRequestTarget,
    MalformedHttpVersion,

    // 400: header fields
    BareLineFeedInHead,
    BareCarriageReturnInHead,
    EmptyHeaderLine,
    ObsoleteLineFolding,
    HeaderLineWithoutColon,
    EmptyHeaderName,
    InvalidHeaderName,
    ControlCharacterInHeaderValue,

    // 400: framing and Host
    InvalidHost,
    MissingHost,
    DuplicateHost,
    HostMismatchesTarget,
    DuplicateContentType,
    FramingLookalikeHeaderName,
    InvalidContentLength,
    LeadingZeroInContentLength,
    ConflictingContentLength,
    ContentLengthWithTransferEncoding,
    TransferEncodingOnHttp10,
    FinalTransferCodingNotChunked,

    // 400: the connection ended early
    ClosedInRequestHead,
    ClosedInRequestBody,

    // 400: chunked body
    ChunkSizeLineTooLong,
    BareLineFeedInChunkedBody,
    InvalidChunkSize,
    ChunkSizeTooLarge,
    InvalidChunkExtension,
    ChunkDataWithoutCrlf,
    MalformedTrailerField,
    ControlCharacterInTrailerField,
    /// <summary>Parameterised: the forbidden field's name.</summary>
    ForbiddenTrailerField,

    // 408
    RequestHeadersTimeout,
    RequestBodyTimeout,

    // 413
    RequestBodyTooLarge,

    // 414
    RequestLineTooLong,

    // 417
    UnsupportedExpectation,

    // 431
    HeadersTooLarge,
    TooManyHeaders,
    TrailerSectionTooLarge,

    // 501
    ConnectNotSupported,
    UnsupportedTransferCoding,

    // 505
    HttpVersionNotSupported,
}
