using SftpKit.Architecture.Tests.Fixtures;

namespace SftpKit.Architecture.Tests;

/// <summary>The reader sees dependencies that only a method body, an attribute argument, a constraint or a
/// compiler-generated nested type holds (the fixtures below, read from this test assembly).</summary>
public sealed class TypeDependencyReaderTests
{
    private static readonly Lazy<AssemblyDependencies> s_self =
        new(() => TypeDependencyReader.Read(typeof(TypeDependencyReaderTests).Assembly.Location));

    public static TheoryData<Type, Type> Dependencies => new()
    {
        { typeof(UsesGenericArgumentInBody), typeof(GenericArgument) },
        { typeof(UsesStaticField), typeof(FieldOwner) },
        { typeof(UsesCatch), typeof(CaughtException) },
        { typeof(UsesAttributeTypeOf), typeof(TypeOfTarget) },
        { typeof(UsesAttributeTypeOf), typeof(MarkerAttribute) },
        { typeof(UsesLambda), typeof(ClosureField) },
        { typeof(UsesAsync), typeof(AwaitedCall) },
        { typeof(UsesConstraint), typeof(ConstraintTarget) },
        { typeof(UsesPattern), typeof(PatternTarget) },
        { typeof(UsesTypeOfInBody), typeof(TypeOfInBodyTarget) },
        { typeof(UsesAfterSwitch), typeof(AfterSwitchTarget) },
        { typeof(UsesReturnedType), typeof(ReturnedTarget) },
        { typeof(UsesNestedTarget), typeof(NestedOwner) },
    };

    [Theory]
    [MemberData(nameof(Dependencies))]
    public void Sees_the_dependency(Type from, Type to)
    {
        var references = s_self.Value.References[Name(from)];

        Assert.Contains(Name(to), references);
    }

    [Fact]
    public void Folds_nested_and_compiler_generated_types_into_their_owner()
    {
        var self = s_self.Value;

        Assert.DoesNotContain(self.Types, t => t.Name.Name.Contains('<', StringComparison.Ordinal) && !t.IsCompilerGenerated);
        Assert.DoesNotContain(self.References.Keys, t => t.Name.Contains('+', StringComparison.Ordinal));
        Assert.DoesNotContain(Name(typeof(UsesLambda)), self.References[Name(typeof(UsesLambda))]);
    }

    [Fact]
    public void Sees_no_dependency_that_is_not_there()
    {
        Assert.DoesNotContain(Name(typeof(GenericArgument)), s_self.Value.References[Name(typeof(UsesStaticField))]);
    }

    private static TypeName Name(Type type) => new(type.Assembly.GetName().Name!, type.Namespace ?? "", type.Name);
}
