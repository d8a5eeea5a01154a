#pragma warning disable CA1034, CA1040, CA1052, CA1812, CA1822, CA1064, CA2201, CA1050, CA1019, CA1018, CA1813, CA1031, CA2211
// Types whose only dependency is of one kind each, for TypeDependencyReaderTests.
namespace SftpKit.Architecture.Tests.Fixtures;

public sealed class GenericArgument;

public static class UsesGenericArgumentInBody
{
    public static int Run() => new List<GenericArgument>().Count;
}

public static class FieldOwner
{
    public static int Field;
}

public static class UsesStaticField
{
    public static int Run() => FieldOwner.Field;
}

public sealed class CaughtException : Exception;

public static class UsesCatch
{
    public static bool Run(Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (CaughtException)
        {
            return false;
        }
    }
}

public sealed class TypeOfTarget;

[AttributeUsage(AttributeTargets.All)]
public sealed class MarkerAttribute(Type type) : Attribute
{
    public Type Type { get; } = type;
}

[Marker(typeof(TypeOfTarget))]
public static class UsesAttributeTypeOf;

public sealed class ClosureField
{
    public int Value { get; init; }
}

public static class UsesLambda
{
    public static Func<int> Run(int value)
    {
        var captured = new ClosureField { Value = value };
        return () => captured.Value;
    }
}

public static class AwaitedCall
{
    public static Task Run() => Task.CompletedTask;
}

public static class UsesAsync
{
    public static async Task Run()
    {
        await Task.Yield();
        await AwaitedCall.Run();
    }
}

public class ConstraintTarget;

public static class UsesConstraint
{
    public static int Run<T>(T value) where T : ConstraintTarget => value.GetHashCode();
}

public sealed class PatternTarget;

public static class UsesPattern
{
    public static bool Run(object value) => value is PatternTarget;
}

public sealed class TypeOfInBodyTarget;

public static class UsesTypeOfInBody
{
    public static string Run() => typeof(TypeOfInBodyTarget).Name;
}

public static class AfterSwitchTarget
{
    public static int Value() => 42;
}

public static class UsesAfterSwitch
{
    // A dense switch compiles to the IL switch opcode, whose operand is a count and that many targets.
    public static int Run(int value) => value switch
    {
        0 => 10,
        1 => 11,
        2 => 12,
        3 => 13,
        4 => 14,
        _ => AfterSwitchTarget.Value(),
    };
}

public sealed class ReturnedTarget;

public static class Factory
{
    public static ReturnedTarget Create() => new();
}

public static class UsesReturnedType
{
    public static bool Run() => Factory.Create() is not null;
}

public static class NestedOwner
{
    public sealed class Inner
    {
        public static int Value() => 1;
    }
}

public static class UsesNestedTarget
{
    public static int Run() => NestedOwner.Inner.Value();
}
