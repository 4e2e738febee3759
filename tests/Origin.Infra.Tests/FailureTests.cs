using Pulumi;
using Xunit;

namespace Origin.Infra.Tests;

/// <summary>A run that cannot succeed stops before it registers anything, and says why.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task An_invalid_config_registers_nothing_and_reports_every_error()
    {
        var mocks = new OriginMocks();
        var stack = StackFile.Prod.With("cloudflare.sslMode", "full").With("redis.evictionPolicy", "allkeys-lru").With("hls.listSiz", "6")
            with { RedisPassword = "too-short" };

        var error = await Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync(stack, mocks));

        Assert.Contains("origin:cloudflare.sslMode", error.Message);
        Assert.Contains("origin:redis.evictionPolicy", error.Message);
        Assert.Contains("origin:hls.listSiz", error.Message);
        Assert.Contains("origin:redisPassword", error.Message);
        Assert.Empty(mocks.Registered);
        Assert.Empty(mocks.Calls);
    }

    /// <summary>Program.cs reads each value through the core's guarded parser: a finding, never a YamlDotNet exception.</summary>
    [Theory]
    [InlineData("{\"user\": \"www-data\", \"user\": \"root\"}", "origin:nginx.user", "appears twice")]
    [InlineData("*undefined", "origin:nginx", "has no anchor")]
    [InlineData("{\"user\": [", "origin:nginx", "did not find expected")]
    public async Task A_malformed_config_value_registers_nothing_and_is_reported_under_its_key(string text, string key, string problem)
    {
        var mocks = new OriginMocks();

        var error = await Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync(StackFile.Prod.WithText("nginx", text), mocks));

        Assert.Contains(key, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("YamlDotNet", error.Message);
        Assert.Empty(mocks.Registered);
    }

    [Fact]
    public async Task A_misspelt_section_is_reported_not_ignored()
    {
        var mocks = new OriginMocks();
        var stack = StackFile.Prod.With("ngnix", "{workerConnections: 20000}");

        var error = await Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync(stack, mocks));

        Assert.Contains("origin:ngnix", error.Message);
        Assert.Empty(mocks.Registered);
    }

    [Fact]
    public async Task A_missing_app_directory_registers_nothing_and_names_the_setting()
    {
        var mocks = new OriginMocks();

        var error = await Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync(StackFile.Prod, mocks, withApp: false));

        Assert.Contains("origin:stream.source.path", error.Message);
        Assert.Contains("stream-api", error.Message);
        Assert.Empty(mocks.Registered);
    }

    [Fact]
    public async Task A_weak_redis_password_registers_nothing_and_is_reported_without_its_value()
    {
        const string weak = "short'pass";
        var mocks = new OriginMocks();

        var error = await Assert.ThrowsAsync<RunException>(() => StackRun.RunAsync(StackFile.Prod with { RedisPassword = weak }, mocks));

        Assert.Contains("origin:redisPassword", error.Message);
        Assert.DoesNotContain(weak, error.Message);
        Assert.Empty(mocks.Registered);
    }
}
