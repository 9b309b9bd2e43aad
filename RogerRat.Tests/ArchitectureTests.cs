using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace RogerRat.Tests;

/// <summary>Dependencies point down only (DESIGN.md): Core ← Http ← Mcp ← Host.</summary>
public class ArchitectureTests
{
    private static readonly string[] s_layers = ["RogerRat.Core", "RogerRat.Http", "RogerRat.Mcp"];

    [Theory]
    [InlineData("RogerRat.Core")]
    [InlineData("RogerRat.Http")]
    [InlineData("RogerRat.Mcp")]
    public void A_library_references_no_RogerRat_assembly_above_it(string name)
    {
        var assembly = Assembly.Load(name);
        var allowed = s_layers.TakeWhile(l => l != name).ToHashSet();
        var above = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("RogerRat", StringComparison.Ordinal) && !allowed.Contains(n))
            .ToArray();
        Assert.Empty(above);
    }

    [Fact]
    public void Core_has_no_project_references_and_does_no_io()
    {
        var core = typeof(RogerRat.Core.Hub).Assembly;
        var refs = core.GetReferencedAssemblies().Select(a => a.Name!).ToArray();
        Assert.DoesNotContain(refs, n => n.StartsWith("RogerRat", StringComparison.Ordinal));
        Assert.DoesNotContain(refs, n => n is "System.Net.Sockets" or "System.Net.Http" or "System.IO.FileSystem");
    }

    [Fact]
    public void Http_Server_uses_no_Core_and_no_Http_Api_type()
    {
        // Read from the metadata, not through reflection: every type a Server type names in its base type, interfaces,
        // attributes, constraints, field, method, property and local signatures, and every type, method and field token
        // in its IL (the compiler's nested state machines and closures count as their outer type's).
        var references = TypeReferences(typeof(RogerRat.Http.Server.HttpServer).Assembly.Location, ns => ns == "RogerRat.Http.Server");
        Assert.Contains(references, r => r.To == "System.IO.Pipelines.PipeReader"); // the scan sees what Server uses
        var forbidden = references
            .Where(r => r.To.StartsWith("RogerRat.Core.", StringComparison.Ordinal) || r.To.StartsWith("RogerRat.Http.Api.", StringComparison.Ordinal))
            .Select(r => $"{r.From} -> {r.To}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.True(forbidden.Length == 0, "Server types that use Core or Http.Api:\n" + string.Join("\n", forbidden));
    }

    [Fact]
    public void Mcp_uses_no_REST_type_but_the_embedding_entry_point()
    {
        // MCP reaches the hub through the service layer (Core) and is mounted on HubServer's router; RestApi, its
        // errors and its documents are the other face's.
        var references = TypeReferences(typeof(RogerRat.Mcp.McpEndpoint).Assembly.Location, ns => ns.StartsWith("RogerRat.Mcp", StringComparison.Ordinal));
        Assert.Contains(references, r => r.To == "RogerRat.Core.Service.HubService"); // the scan sees what MCP uses
        var forbidden = references
            .Where(r => r.To.StartsWith("RogerRat.Http.Api.", StringComparison.Ordinal) && !s_entryPoint.Contains(r.To))
            .Select(r => $"{r.From} -> {r.To}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToArray();
        Assert.True(forbidden.Length == 0, "MCP types that use REST types:\n" + string.Join("\n", forbidden));
    }

    private static readonly string[] s_entryPoint = [typeof(RogerRat.Http.Api.HubServer).FullName!, typeof(RogerRat.Http.Api.HubServerOptions).FullName!];

    private static List<(string From, string To)> TypeReferences(string path, Func<string, bool> inNamespace)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        var names = new TypeNames(md);
        var found = new List<(string From, string To)>();
        foreach (var handle in md.TypeDefinitions)
        {
            if (!inNamespace(names.NamespaceOf(handle))) continue;
            var from = names.Of(handle);
            names.Seen.Clear();
            Collect(md, pe, names, handle);
            found.AddRange(names.Seen.Select(to => (from, to)));
        }
        return found;
    }

    private static void Collect(MetadataReader md, PEReader pe, TypeNames names, TypeDefinitionHandle handle)
    {
        var type = md.GetTypeDefinition(handle);
        names.Add(type.BaseType);
        foreach (var i in type.GetInterfaceImplementations()) names.Add(md.GetInterfaceImplementation(i).Interface);
        names.AddAttributes(type.GetCustomAttributes());
        names.AddConstraints(type.GetGenericParameters());
        foreach (var f in type.GetFields())
        {
            var field = md.GetFieldDefinition(f);
            field.DecodeSignature(names, null);
            names.AddAttributes(field.GetCustomAttributes());
        }
        foreach (var p in type.GetProperties())
        {
            var property = md.GetPropertyDefinition(p);
            property.DecodeSignature(names, null);
            names.AddAttributes(property.GetCustomAttributes());
        }
        foreach (var m in type.GetMethods())
        {
            var method = md.GetMethodDefinition(m);
            method.DecodeSignature(names, null);
            names.AddAttributes(method.GetCustomAttributes());
            names.AddConstraints(method.GetGenericParameters());
            foreach (var p in method.GetParameters()) names.AddAttributes(md.GetParameter(p).GetCustomAttributes());
            if (method.RelativeVirtualAddress == 0) continue;
            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil) md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(names, null);
            foreach (var token in IlTokens(body.GetILReader())) names.Add(MetadataTokens.EntityHandle(token));
        }
    }

    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    // The metadata tokens an IL body names (types, methods, fields, signatures); strings and numbers are skipped.
    private static List<int> IlTokens(BlobReader il)
    {
        var tokens = new List<int>();
        while (il.RemainingBytes > 0)
        {
            short value = il.ReadByte();
            if (value == 0xFE) value = (short)(0xFE00 | il.ReadByte());
            var op = s_opCodes[value];
            switch (op.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineTok or OperandType.InlineType or OperandType.InlineSig:
                    tokens.Add(il.ReadInt32());
                    break;
                case OperandType.InlineNone: break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar: il.Offset += 1; break;
                case OperandType.InlineVar: il.Offset += 2; break;
                case OperandType.InlineI8 or OperandType.InlineR: il.Offset += 8; break;
                case OperandType.InlineSwitch:
                    var targets = il.ReadInt32(); // read before Offset is: "il.Offset += 4 * il.ReadInt32()" would skip it
                    il.Offset += 4 * targets;
                    break;
                default: il.Offset += 4; break; // InlineBrTarget, InlineI, InlineString, ShortInlineR
            }
        }
        return tokens;
    }

    /// <summary>Collects the full name of every type met in <see cref="Seen"/>; decoding a signature visits each type in it.</summary>
    private sealed class TypeNames(MetadataReader md) : ISignatureTypeProvider<string, object?>
    {
        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public string NamespaceOf(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            return type.IsNested ? NamespaceOf(type.GetDeclaringType()) : md.GetString(type.Namespace);
        }

        public string Of(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var name = md.GetString(type.Name);
            return type.IsNested ? $"{Of(type.GetDeclaringType())}+{name}" : Qualified(md.GetString(type.Namespace), name);
        }

        private string Of(TypeReferenceHandle handle)
        {
            var type = md.GetTypeReference(handle);
            var name = md.GetString(type.Name);
            return type.ResolutionScope.Kind == HandleKind.TypeReference
                ? $"{Of((TypeReferenceHandle)type.ResolutionScope)}+{name}"
                : Qualified(md.GetString(type.Namespace), name);
        }

        private static string Qualified(string ns, string name) => ns.Length == 0 ? name : $"{ns}.{name}";

        private string Saw(string name)
        {
            Seen.Add(name);
            return name;
        }

        public void Add(EntityHandle handle)
        {
            if (handle.IsNil) return;
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                case HandleKind.TypeReference:
                case HandleKind.TypeSpecification:
                    AddType(handle);
                    break;
                case HandleKind.MethodDefinition:
                    var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    Saw(Of(method.GetDeclaringType()));
                    method.DecodeSignature(this, null);
                    break;
                case HandleKind.FieldDefinition:
                    var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    Saw(Of(field.GetDeclaringType()));
                    field.DecodeSignature(this, null);
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method) member.DecodeMethodSignature(this, null);
                    else member.DecodeFieldSignature(this, null);
                    break;
                case HandleKind.MethodSpecification:
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Add(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
                case HandleKind.StandaloneSignature:
                    var signature = md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method) signature.DecodeMethodSignature(this, null);
                    break;
            }
        }

        private void AddType(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition: Saw(Of((TypeDefinitionHandle)handle)); break;
                case HandleKind.TypeReference: Saw(Of((TypeReferenceHandle)handle)); break;
                case HandleKind.TypeSpecification: md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null); break;
            }
        }

        public void AddAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes) Add(md.GetCustomAttribute(a).Constructor);
        }

        public void AddConstraints(GenericParameterHandleCollection parameters)
        {
            foreach (var p in parameters)
            {
                foreach (var c in md.GetGenericParameter(p).GetConstraints()) Add(md.GetGenericParameterConstraint(c).Type);
            }
        }

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Saw(Of(handle));
        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Saw(Of(handle));
        public string GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();
        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType;
        public string GetArrayType(string elementType, ArrayShape shape) => elementType;
        public string GetSZArrayType(string elementType) => elementType;
        public string GetByReferenceType(string elementType) => elementType;
        public string GetPointerType(string elementType) => elementType;
        public string GetPinnedType(string elementType) => elementType;
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
