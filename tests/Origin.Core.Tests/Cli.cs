namespace Origin.Tests;

/// <summary>The `origin` command as an operator runs it: its own process, built beside the tests.</summary>
internal static class Cli
{
    private static readonly string Dll = Path.Combine(AppContext.BaseDirectory, "origin.dll");

    public static Tool.Result Run(params string[] args) => Tool.Run("dotnet", [Dll, .. args]);
}
