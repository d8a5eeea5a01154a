using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace SftpKit.Architecture.Tests;

/// <summary>A top-level type by its assembly and metadata name (generic arity as <c>`1</c>); nested types are folded
/// into their outermost declaring type, so a lambda's closure or an async state machine counts as its owner.</summary>
public readonly record struct TypeName(string Assembly, string Namespace, string Name)
{
    /// <summary>Namespace and name, e.g. <c>SftpKit.Ssh.Transport.SshTransport</c>.</summary>
    public string FullName => Namespace.Length == 0 ? Name : Namespace + "." + Name;

    /// <inheritdoc/>
    public override string ToString() => FullName;
}

/// <summary>A top-level type defined in a read assembly.</summary>
/// <param name="Name">The type.</param>
/// <param name="IsCompilerGenerated">Emitted by the compiler or a source generator rather than declared in source
/// (<c>&lt;PrivateImplementationDetails&gt;</c>, embedded attributes, file-local generated helpers).</param>
public sealed record DefinedType(TypeName Name, bool IsCompilerGenerated);

/// <summary>The types an assembly defines and every type each of them references.</summary>
/// <param name="Assembly">The assembly's simple name.</param>
/// <param name="Types">Its top-level types.</param>
/// <param name="References">For each top-level type, the top-level types it references (itself excluded).</param>
public sealed record AssemblyDependencies(
    string Assembly,
    IReadOnlyList<DefinedType> Types,
    IReadOnlyDictionary<TypeName, IReadOnlySet<TypeName>> References);

/// <summary>
/// Reads the type-level dependencies of an assembly from its metadata and IL with System.Reflection.Metadata: base
/// types, interfaces, generic constraints, fields, method and property signatures, events, explicit implementations,
/// custom attributes (constructor and <c>typeof</c> arguments), and method bodies (locals, catch clauses and every type,
/// method and field token of the IL, with the signatures of the members they name).
/// </summary>
public static class TypeDependencyReader
{
    private static readonly Dictionary<ushort, OperandType> s_operandTypes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => unchecked((ushort)o.Value), o => o.OperandType);

    /// <summary>Reads the assembly at <paramref name="path"/>.</summary>
    public static AssemblyDependencies Read(string path)
    {
        using var stream = File.OpenRead(path);
        using var pe = new PEReader(stream);
        return new Walker(pe).Read();
    }

    private sealed class Walker : ISignatureTypeProvider<ImmutableArray<TypeName>, object?>,
        ICustomAttributeTypeProvider<ImmutableArray<TypeName>>
    {
        private static readonly TypeName s_systemType = new("System.Runtime", "System", "Type");
        private readonly PEReader _pe;
        private readonly MetadataReader _md;
        private readonly string _assembly;
        private HashSet<TypeName> _sink = [];

        public Walker(PEReader pe)
        {
            _pe = pe;
            _md = pe.GetMetadataReader();
            _assembly = _md.GetString(_md.GetAssemblyDefinition().Name);
        }

        public AssemblyDependencies Read()
        {
            var types = new List<DefinedType>();
            var references = new Dictionary<TypeName, HashSet<TypeName>>();
            foreach (var handle in _md.TypeDefinitions)
            {
                var owner = NameOf(handle);
                if (!references.TryGetValue(owner, out var sink))
                {
                    sink = [];
                    references.Add(owner, sink);
                }
                if (_md.GetTypeDefinition(handle).GetDeclaringType().IsNil)
                {
                    types.Add(new DefinedType(owner, IsCompilerGenerated(handle)));
                }
                _sink = sink;
                VisitType(handle);
                sink.Remove(owner);
            }
            return new AssemblyDependencies(
                _assembly,
                types,
                references.ToDictionary(p => p.Key, p => (IReadOnlySet<TypeName>)p.Value));
        }

        private void VisitType(TypeDefinitionHandle handle)
        {
            var type = _md.GetTypeDefinition(handle);
            Collect(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
            {
                var implementation = _md.GetInterfaceImplementation(i);
                Collect(implementation.Interface);
                Attributes(implementation.GetCustomAttributes());
            }
            Attributes(type.GetCustomAttributes());
            GenericParameters(type.GetGenericParameters());
            foreach (var f in type.GetFields())
            {
                var field = _md.GetFieldDefinition(f);
                Add(field.DecodeSignature(this, null));
                Attributes(field.GetCustomAttributes());
            }
            foreach (var p in type.GetProperties())
            {
                var property = _md.GetPropertyDefinition(p);
                Add(property.DecodeSignature(this, null));
                Attributes(property.GetCustomAttributes());
            }
            foreach (var e in type.GetEvents())
            {
                var ev = _md.GetEventDefinition(e);
                Collect(ev.Type);
                Attributes(ev.GetCustomAttributes());
            }
            foreach (var m in type.GetMethodImplementations())
            {
                var implementation = _md.GetMethodImplementation(m);
                Collect(implementation.MethodDeclaration);
            }
            foreach (var m in type.GetMethods())
            {
                VisitMethod(_md.GetMethodDefinition(m));
            }
        }

        private void VisitMethod(MethodDefinition method)
        {
            Add(method.DecodeSignature(this, null));
            Attributes(method.GetCustomAttributes());
            GenericParameters(method.GetGenericParameters());
            foreach (var p in method.GetParameters())
            {
                Attributes(_md.GetParameter(p).GetCustomAttributes());
            }
            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }
            var body = _pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                Collect(body.LocalSignature);
            }
            foreach (var region in body.ExceptionRegions)
            {
                if (!region.CatchType.IsNil)
                {
                    Collect(region.CatchType);
                }
            }
            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                ushort code = il.ReadByte();
                if (code == 0xFE)
                {
                    code = (ushort)(0xFE00 | il.ReadByte());
                }
                var operand = s_operandTypes.TryGetValue(code, out var known)
                    ? known
                    : throw new InvalidOperationException($"Unknown IL opcode 0x{code:X} at IL offset {il.Offset} of {_md.GetString(method.Name)} in {_assembly}.");
                switch (operand)
                {
                    case OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget:
                    case OperandType.ShortInlineI:
                    case OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8:
                    case OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        int targets = il.ReadInt32(); // read before Offset: "il.Offset += 4 * il.ReadInt32()" loses the count
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField:
                    case OperandType.InlineMethod:
                    case OperandType.InlineSig:
                    case OperandType.InlineTok:
                    case OperandType.InlineType:
                        Collect(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    default: // InlineBrTarget, InlineI, InlineString, ShortInlineR
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void GenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var g in parameters)
            {
                var parameter = _md.GetGenericParameter(g);
                Attributes(parameter.GetCustomAttributes());
                foreach (var c in parameter.GetConstraints())
                {
                    Collect(_md.GetGenericParameterConstraint(c).Type);
                }
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                var attribute = _md.GetCustomAttribute(a);
                Collect(attribute.Constructor);
                CustomAttributeValue<ImmutableArray<TypeName>> value;
                try
                {
                    value = attribute.DecodeValue(this);
                }
                catch (BadImageFormatException)
                {
                    continue; // an enum argument of a type from another assembly whose underlying type is not Int32
                }
                foreach (var argument in value.FixedArguments)
                {
                    Argument(argument.Type, argument.Value);
                }
                foreach (var argument in value.NamedArguments)
                {
                    Argument(argument.Type, argument.Value);
                }
            }
        }

        private void Argument(ImmutableArray<TypeName> type, object? value)
        {
            Add(type);
            switch (value)
            {
                case ImmutableArray<TypeName> typeOf: // typeof(T), decoded through GetTypeFromSerializedName
                    Add(typeOf);
                    break;
                case ImmutableArray<CustomAttributeTypedArgument<ImmutableArray<TypeName>>> elements:
                    foreach (var element in elements)
                    {
                        Argument(element.Type, element.Value);
                    }
                    break;
            }
        }

        private void Collect(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    _sink.Add(NameOf((TypeDefinitionHandle)handle));
                    break;
                case HandleKind.TypeReference:
                    _sink.Add(NameOf((TypeReferenceHandle)handle));
                    break;
                case HandleKind.TypeSpecification:
                    Add(_md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null));
                    break;
                case HandleKind.MethodDefinition:
                {
                    var method = _md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    _sink.Add(NameOf(method.GetDeclaringType()));
                    Add(method.DecodeSignature(this, null));
                    break;
                }
                case HandleKind.FieldDefinition:
                {
                    var field = _md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    _sink.Add(NameOf(field.GetDeclaringType()));
                    Add(field.DecodeSignature(this, null));
                    break;
                }
                case HandleKind.MemberReference:
                {
                    var member = _md.GetMemberReference((MemberReferenceHandle)handle);
                    Collect(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        Add(member.DecodeMethodSignature(this, null));
                    }
                    else
                    {
                        Add(member.DecodeFieldSignature(this, null));
                    }
                    break;
                }
                case HandleKind.MethodSpecification:
                {
                    var specification = _md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Collect(specification.Method);
                    foreach (var argument in specification.DecodeSignature(this, null))
                    {
                        Add(argument);
                    }
                    break;
                }
                case HandleKind.StandaloneSignature:
                {
                    var signature = _md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.LocalVariables)
                    {
                        foreach (var local in signature.DecodeLocalSignature(this, null))
                        {
                            Add(local);
                        }
                    }
                    else
                    {
                        Add(signature.DecodeMethodSignature(this, null));
                    }
                    break;
                }
                default: // ModuleReference (a vararg or P/Invoke parent), UserString, ...
                    break;
            }
        }

        private void Add(ImmutableArray<TypeName> types)
        {
            foreach (var t in types)
            {
                _sink.Add(t);
            }
        }

        private void Add(MethodSignature<ImmutableArray<TypeName>> signature)
        {
            Add(signature.ReturnType);
            foreach (var p in signature.ParameterTypes)
            {
                Add(p);
            }
        }

        private TypeName NameOf(TypeDefinitionHandle handle)
        {
            var type = _md.GetTypeDefinition(handle);
            while (!type.GetDeclaringType().IsNil)
            {
                type = _md.GetTypeDefinition(type.GetDeclaringType());
            }
            return new TypeName(_assembly, _md.GetString(type.Namespace), _md.GetString(type.Name));
        }

        private TypeName NameOf(TypeReferenceHandle handle)
        {
            var type = _md.GetTypeReference(handle);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = _md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            }
            string assembly = type.ResolutionScope.Kind == HandleKind.AssemblyReference
                ? _md.GetString(_md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name)
                : _assembly;
            return new TypeName(assembly, _md.GetString(type.Namespace), _md.GetString(type.Name));
        }

        private bool IsCompilerGenerated(TypeDefinitionHandle handle)
        {
            var type = _md.GetTypeDefinition(handle);
            if (_md.GetString(type.Name).StartsWith('<'))
            {
                return true;
            }
            foreach (var a in type.GetCustomAttributes())
            {
                var constructor = _md.GetCustomAttribute(a).Constructor;
                EntityHandle parent = constructor.Kind == HandleKind.MemberReference
                    ? _md.GetMemberReference((MemberReferenceHandle)constructor).Parent
                    : _md.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType();
                string name = parent.Kind switch
                {
                    HandleKind.TypeReference => _md.GetString(_md.GetTypeReference((TypeReferenceHandle)parent).Name),
                    HandleKind.TypeDefinition => _md.GetString(_md.GetTypeDefinition((TypeDefinitionHandle)parent).Name),
                    _ => "",
                };
                if (name is "CompilerGeneratedAttribute" or "EmbeddedAttribute")
                {
                    return true;
                }
            }
            return false;
        }

        // ISignatureTypeProvider: a signature becomes the named types it mentions.
        public ImmutableArray<TypeName> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];
        public ImmutableArray<TypeName> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => [NameOf(handle)];
        public ImmutableArray<TypeName> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [NameOf(handle)];
        public ImmutableArray<TypeName> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
        public ImmutableArray<TypeName> GetSZArrayType(ImmutableArray<TypeName> elementType) => elementType;
        public ImmutableArray<TypeName> GetArrayType(ImmutableArray<TypeName> elementType, ArrayShape shape) => elementType;
        public ImmutableArray<TypeName> GetByReferenceType(ImmutableArray<TypeName> elementType) => elementType;
        public ImmutableArray<TypeName> GetPointerType(ImmutableArray<TypeName> elementType) => elementType;
        public ImmutableArray<TypeName> GetPinnedType(ImmutableArray<TypeName> elementType) => elementType;
        public ImmutableArray<TypeName> GetGenericInstantiation(ImmutableArray<TypeName> genericType, ImmutableArray<ImmutableArray<TypeName>> typeArguments) =>
            [.. genericType, .. typeArguments.SelectMany(a => a)];
        public ImmutableArray<TypeName> GetGenericMethodParameter(object? genericContext, int index) => [];
        public ImmutableArray<TypeName> GetGenericTypeParameter(object? genericContext, int index) => [];
        public ImmutableArray<TypeName> GetFunctionPointerType(MethodSignature<ImmutableArray<TypeName>> signature) =>
            [.. signature.ReturnType, .. signature.ParameterTypes.SelectMany(p => p)];
        public ImmutableArray<TypeName> GetModifiedType(ImmutableArray<TypeName> modifier, ImmutableArray<TypeName> unmodifiedType, bool isRequired) =>
            [.. modifier, .. unmodifiedType];

        // ICustomAttributeTypeProvider: attribute arguments; typeof(T) arrives as T's serialized name.
        public ImmutableArray<TypeName> GetSystemType() => [s_systemType];
        public bool IsSystemType(ImmutableArray<TypeName> type) =>
            type.Length == 1 && type[0].Namespace == "System" && type[0].Name == "Type"; // whichever assembly forwards it

        public ImmutableArray<TypeName> GetTypeFromSerializedName(string name)
        {
            // "Namespace.Outer+Nested`1[[Arg, Assembly]], Assembly, Version=..." (the assembly is absent for a type of
            // this assembly or of the core library); generic arguments are not followed.
            int depth = 0, comma = -1, bracket = -1;
            for (int i = 0; i < name.Length && comma < 0; i++)
            {
                switch (name[i])
                {
                    case '[':
                        bracket = bracket < 0 ? i : bracket;
                        depth++;
                        break;
                    case ']':
                        depth--;
                        break;
                    case ',' when depth == 0:
                        comma = i;
                        break;
                }
            }
            string typePart = name[..(bracket >= 0 ? bracket : comma >= 0 ? comma : name.Length)];
            string assembly = comma >= 0 ? name[(comma + 1)..].Split(',')[0].Trim() : _assembly;
            int plus = typePart.IndexOf('+', StringComparison.Ordinal);
            if (plus >= 0)
            {
                typePart = typePart[..plus];
            }
            int dot = typePart.LastIndexOf('.');
            return [new TypeName(assembly, dot < 0 ? "" : typePart[..dot], typePart[(dot + 1)..])];
        }

        public PrimitiveTypeCode GetUnderlyingEnumType(ImmutableArray<TypeName> type)
        {
            foreach (var handle in _md.TypeDefinitions)
            {
                var definition = _md.GetTypeDefinition(handle);
                if (definition.GetDeclaringType().IsNil && type.Length == 1 && NameOf(handle) == type[0])
                {
                    foreach (var f in definition.GetFields())
                    {
                        var field = _md.GetFieldDefinition(f);
                        if ((field.Attributes & FieldAttributes.Static) == 0 && _md.StringComparer.Equals(field.Name, "value__"))
                        {
                            var blob = _md.GetBlobReader(field.Signature);
                            blob.ReadSignatureHeader();
                            return (PrimitiveTypeCode)blob.ReadCompressedInteger();
                        }
                    }
                }
            }
            return PrimitiveTypeCode.Int32; // an enum of another assembly: Int32 is what nearly every enum is
        }
    }
}
