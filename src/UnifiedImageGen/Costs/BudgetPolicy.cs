namespace UnifiedImageGen.Costs;

/// <summary>The calendar period a budget covers (UTC).</summary>
public enum BudgetPeriod
{
    /// <summary>A UTC calendar day.</summary>
    Day,

    /// <summary>A UTC calendar month.</summary>
    Month,
}

/// <summary>A spending limit: USD per period, for everyone together or for each <see cref="ImageGenerationRequest.User"/>.</summary>
public sealed class BudgetPolicy
{
    /// <summary>The limit in USD.</summary>
    public decimal LimitUsd { get; set; }

    /// <summary>The period the limit covers.</summary>
    /// <value><see cref="BudgetPeriod.Month"/>.</value>
    public BudgetPeriod Period { get; set; } = BudgetPeriod.Month;

    /// <summary>Whether the limit applies to each user separately (requests without a user share the key <c>""</c>).</summary>
    public bool PerUser { get; set; }

    /// <summary>Describes the policy, such as <c>"monthly budget per user of $5.00"</c>.</summary>
    public override string ToString() =>
        $"{(Period == BudgetPeriod.Day ? "daily" : "monthly")} budget{(PerUser ? " per user" : "")} of ${LimitUsd:0.00##}";

    /// <summary>The start of the period that contains <paramref name="now"/>.</summary>
    public DateTimeOffset PeriodStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return Period == BudgetPeriod.Day
            ? new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero)
            : new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
    }
}
