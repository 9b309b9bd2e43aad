using System.Text;
using System.Text.Json;
using RogerRat.Mcp.JsonRpc;

namespace RogerRat.Tests.Mcp;

/// <summary>The JSON-RPC writer on its own: ids it may echo, and a message built while another one is written.</summary>
public class JsonRpcWriterTests
{
    [Theory]
    [InlineData("7", "7")]
    [InlineData("-9223372036854775808", "-9223372036854775808")]
    [InlineData("\"a\"", "\"a\"")]
    [InlineData("9223372036854775808", "null")]
    [InlineData("1e400", "null")]
    [InlineData("1.5", "null")]
    [InlineData("{}", "null")]
    [InlineData("null", "null")]
    public void An_error_echoes_only_an_id_a_client_can_match(string id, string written)
    {
        using var doc = JsonDocument.Parse(id);
        var body = Encoding.UTF8.GetString(JsonRpcWriter.Error(doc.RootElement, JsonRpcErrorCode.InvalidRequest, "x"));
        Assert.StartsWith($$"""{"jsonrpc":"2.0","id":{{written}},"error":""", body);
    }

    [Fact]
    public void A_message_built_inside_another_leaves_both_whole()
    {
        using var id = JsonDocument.Parse("1");
        var outer = JsonRpcWriter.Result(id.RootElement, w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("inner"u8);
            w.WriteRawValue(JsonRpcWriter.Notification("n", static v => v.WriteStringValue("é")));
            w.WriteEndObject();
        });
        Assert.Equal("""{"jsonrpc":"2.0","id":1,"result":{"inner":{"jsonrpc":"2.0","method":"n","params":"é"}}}""", Encoding.UTF8.GetString(outer));
    }
}
