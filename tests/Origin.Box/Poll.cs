namespace Origin.Box;

/// <summary>Waiting for something that happens on its own (a restart, a file, a cleanup), always with a deadline.</summary>
public static class Poll
{
    /// <summary>Polls until the condition holds. A connection failure counts as "not yet": what is awaited may be restarting.</summary>
    public static async Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                last = e;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not within {timeout.TotalSeconds:0.#} s: {what}" + (last is null ? "" : $" (last: {last.Message})"));
            await Task.Delay(50);
        }
    }

    public static Task Until(Func<bool> condition, TimeSpan timeout, string what) => Until(() => Task.FromResult(condition()), timeout, what);
}
