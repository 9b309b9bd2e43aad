namespace RogerRat.Http.Api;

/// <summary>
/// A complete response from the REST face. <see cref="Written"/>, when set, must be called by the transport with
/// whether the response was fully handed to the socket: listen and wait commit their delivery only then.
/// </summary>
public sealed class ApiResponse
{
    public ApiResponse(int status, string contentType, byte[] body)
    {
        Status = status;
        ContentType = contentType;
        Body = body;
    }

    public int Status { get; }
    public string ContentType { get; }
    public byte[] Body { get; }
    public List<KeyValuePair<string, string>> Headers { get; } = [];
    public Action<bool>? Written { get; set; }

    public const string Json = "application/json";
    public const string Text = "text/plain; charset=UTF-8";
    public const string Html = "text/html; charset=UTF-8";

    public ApiResponse WithHeader(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public static ApiResponse PlainText(int status, string text, string contentType = Text) =>
        new(status, contentType, System.Text.Encoding.UTF8.GetBytes(text));
}
