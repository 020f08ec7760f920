using Afin.Extensions.DependencyInjection;
using Afin.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers AFIN in a service collection (generic host, ASP.NET Core).</summary>
public static class AfinServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AfinEngineOptions"/> (configured by <paramref name="configure"/>), the <see cref="AfinModel"/> as a lazy singleton
    /// (loaded once, on first use, from <see cref="AfinEngineOptions.ModelPath"/> or the shipped default; it runs on the managed engine) and
    /// <see cref="IAfinPosteriorEngine"/> as a singleton (a micro-batching <see cref="AfinPosteriorEngine"/>). With
    /// <see cref="AfinEngineOptions.Mode"/> Laplace the engine needs no network, and the model is loaded only if something asks for it.
    /// </summary>
    /// <remarks>
    /// Registrations use TryAdd: an <see cref="AfinModel"/> or <see cref="IAfinPosteriorEngine"/> registered before this call wins, so an app
    /// can supply an already loaded model. Invalid options throw <see cref="OptionsValidationException"/> when the engine or model is resolved.
    /// </remarks>
    public static IServiceCollection AddAfinPosterior(this IServiceCollection services, Action<AfinEngineOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var builder = services.AddOptions<AfinEngineOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        return AddCore(services);
    }

    /// <summary>
    /// As <see cref="AddAfinPosterior(IServiceCollection, Action{AfinEngineOptions}?)"/>, with the options bound from a configuration section,
    /// e.g. <c>services.AddAfinPosterior(configuration.GetSection("Afin"))</c> for <c>"Afin": { "ModelPath": "...", "BatchSize": 128 }</c>
    /// in appsettings.json. Keys are the property names of <see cref="AfinEngineOptions"/>; reloads are not observed (the model is loaded once).
    /// </summary>
    public static IServiceCollection AddAfinPosterior(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<AfinEngineOptions>().Bind(configuration);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AfinEngineOptions>, AfinEngineOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<AfinEngineOptions>>().Value.LoadModel());
        services.TryAddSingleton<IAfinPosteriorEngine>(sp =>
            new AfinPosteriorEngine(sp.GetRequiredService<AfinModel>, sp.GetRequiredService<IOptions<AfinEngineOptions>>().Value));
        return services;
    }

    private sealed class AfinEngineOptionsValidator : IValidateOptions<AfinEngineOptions>
    {
        public ValidateOptionsResult Validate(string? name, AfinEngineOptions options)
        {
            var errors = options.Validate();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
