namespace UnifiedImageGen.Costs;

/// <summary>Budgets and price overrides for <see cref="CostTrackingImageGenerator"/>; binds from <c>ImageGeneration:Costs</c>.</summary>
public sealed class CostTrackingOptions
{
    /// <summary>A global monthly limit in USD (a shortcut for a <see cref="BudgetPolicy"/>).</summary>
    public decimal? MonthlyBudgetUsd { get; set; }

    /// <summary>A global daily limit in USD.</summary>
    public decimal? DailyBudgetUsd { get; set; }

    /// <summary>A monthly limit for each <see cref="ImageGenerationRequest.User"/>.</summary>
    public decimal? MonthlyBudgetPerUserUsd { get; set; }

    /// <summary>A daily limit for each <see cref="ImageGenerationRequest.User"/>.</summary>
    public decimal? DailyBudgetPerUserUsd { get; set; }

    /// <summary>Further budgets.</summary>
    public List<BudgetPolicy> Budgets { get; } = [];

    /// <summary>Price lines that add to or replace the built-in table.</summary>
    public List<PriceEntry> Prices { get; } = [];

    /// <summary>
    /// Whether, while any budget is set, a call that may run on a model with no price line (and no
    /// <see cref="UnpricedImageFloorUsd"/>) is refused with <see cref="ImageGenerationErrorKind.BudgetExceeded"/> before
    /// any network call, the message naming the model and how to add its price. Setting it to
    /// <see langword="false"/> lets such calls run with nothing reserved, so budgets no longer bound them.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool RefuseUnpricedWithBudget { get; set; } = true;

    /// <summary>
    /// A price per image in USD assumed for models with no price line: reserved against budgets before the call (so an
    /// unpriced model runs under a budget instead of being refused) and charged when the call reports no cost of its own.
    /// </summary>
    /// <value><see langword="null"/>: unpriced models are refused while a budget is set (see <see cref="RefuseUnpricedWithBudget"/>).</value>
    public decimal? UnpricedImageFloorUsd { get; set; }

    /// <summary>Every budget in force: <see cref="Budgets"/> plus the shortcuts.</summary>
    public IReadOnlyList<BudgetPolicy> AllBudgets()
    {
        var all = new List<BudgetPolicy>(Budgets);
        Add(MonthlyBudgetUsd, BudgetPeriod.Month, perUser: false);
        Add(DailyBudgetUsd, BudgetPeriod.Day, perUser: false);
        Add(MonthlyBudgetPerUserUsd, BudgetPeriod.Month, perUser: true);
        Add(DailyBudgetPerUserUsd, BudgetPeriod.Day, perUser: true);
        return all;

        void Add(decimal? limit, BudgetPeriod period, bool perUser)
        {
            if (limit is { } usd)
            {
                all.Add(new BudgetPolicy { LimitUsd = usd, Period = period, PerUser = perUser });
            }
        }
    }

    /// <summary>Checks the values, naming each setting.</summary>
    /// <param name="configurationPath">Where the options bind from.</param>
    public IEnumerable<string> Validate(string configurationPath)
    {
        foreach (var budget in AllBudgets())
        {
            if (budget.LimitUsd < 0)
            {
                yield return $"{configurationPath}: budget limits must not be negative ({budget}).";
            }
        }

        if (UnpricedImageFloorUsd < 0)
        {
            yield return $"{configurationPath}:UnpricedImageFloorUsd must not be negative; it is {UnpricedImageFloorUsd}.";
        }

        foreach (var price in Prices)
        {
            if (string.IsNullOrWhiteSpace(price.Provider) || string.IsNullOrWhiteSpace(price.Model) || price.Usd < 0)
            {
                yield return $"{configurationPath}:Prices: every line needs a Provider, a Model (or \"*\") and a non-negative Usd.";
            }
        }
    }
}
