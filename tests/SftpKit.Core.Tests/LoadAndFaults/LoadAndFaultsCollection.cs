namespace SftpKit.Tests.LoadAndFaults;

/// <summary>
/// Load and fault tests run alone (after the parallel collections of this assembly): they measure whole-process
/// numbers (fds, RSS) and need the two cores to themselves to hold 500 sessions.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadAndFaultsCollection
{
    public const string Name = "LoadAndFaults";
}
