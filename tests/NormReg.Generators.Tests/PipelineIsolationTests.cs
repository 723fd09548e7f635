using System;
using NormReg.Generators.Model;

namespace NormReg.Generators.Tests;

/// <summary>A step that throws on one network yields that network's failure, never an exception into the compiler.</summary>
public sealed class PipelineIsolationTests
{
    [Fact]
    public void A_throwing_step_becomes_a_failure_that_later_steps_pass_on()
    {
        Attempt<string> planned = Attempt<string>.Run<int>("App.Net", "Net", 1, _ => throw new InvalidOperationException("no plan"));
        Attempt<string> emitted = planned.Then<string>(_ => throw new InvalidOperationException("must not run"));

        Assert.Null(emitted.Value);
        Assert.Equal("InvalidOperationException: no plan", emitted.Error);
        Assert.Equal(("App.Net", "Net"), (emitted.Network, emitted.TypeName));
    }

    [Fact]
    public void Cancellation_is_not_swallowed() =>
        Assert.Throws<OperationCanceledException>(() => Attempt<string>.Run<int>("App.Net", "Net", 1, _ => throw new OperationCanceledException()));

    [Fact]
    public void Equal_values_give_equal_attempts_so_the_pipeline_caches()
    {
        Assert.Equal(Attempt<string>.Run("A", "A", 2, x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)), Attempt<string>.Run("A", "A", 2, x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }
}
