using System.Text.Json.Serialization;
using RogerRat.Mcp.Protocol;

namespace RogerRat.Mcp.JsonRpc;

/// <summary>The protocol types read and written through System.Text.Json, source-generated so NativeAOT needs no
/// reflection. Members are camelCase and absent rather than null, as the MCP schema spells them.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonRpcError))]
[JsonSerializable(typeof(InitializeRequestParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(EmptyResult))]
[JsonSerializable(typeof(CompleteResult))]
internal sealed partial class McpJsonContext : JsonSerializerContext;
