namespace RogerRat.Http.Server;

/// <summary>One request/response exchange handed to the application.</summary>
internal sealed class HttpContext
{
    internal HttpContext(HttpRequest request, HttpResponse response)
    {
        Request = request;
        Response = response;
    }

    internal void Reset(CancellationToken requestAborted) => RequestAborted = requestAborted;

    private RouteValues? _routeValues;

    // Filled by HttpRouter for the matched route; one per connection, like the request.
    internal RouteValues RouteValues => _routeValues ??= new RouteValues();

    public HttpRequest Request { get; }
    public HttpResponse Response { get; }

    /// <summary>Fires at once when the client closes or resets the connection while the handler runs, or when the server stops.</summary>
    public CancellationToken RequestAborted { get; private set; }
}

/// <summary>The application: answers one request. It must write the response (or the server answers 500).</summary>
internal delegate ValueTask HttpHandler(HttpContext context);
