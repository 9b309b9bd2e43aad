namespace RogerRat.Http.Server;

/// <summary>Why the server refused a request: malformed or over a limit. Answered once per connection, then closed.</summary>
internal sealed class HttpRejection(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static HttpRejection BadRequest(string message) => new(400, "bad_request", message);
}
