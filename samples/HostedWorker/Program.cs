// AFIN in a generic host: IAfinPosteriorEngine injected through services.AddAfinPosterior(configuration section).
//   dotnet run --project samples/HostedWorker                  (settings from appsettings.json: the default model)
//   dotnet run --project samples/HostedWorker -- --model my.afin
using Afin.Extensions.DependencyInjection;
using Afin.Samples.HostedWorker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// appsettings.json lives next to the app, so the sample also works when started from another directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = $"{AfinEngineOptions.SectionName}:ModelPath" });
builder.Services.AddAfinPosterior(builder.Configuration.GetSection(AfinEngineOptions.SectionName));
builder.Services.AddHostedService<PosteriorWorker>();
try
{
    using var host = builder.Build();
    await host.RunAsync();
}
catch (Exception e) when (e is InvalidOperationException or FileNotFoundException or ArgumentException)
{
    Console.Error.WriteLine($"HostedWorker: {e.Message}{(e.Message.Contains("default model", StringComparison.Ordinal) ? "; pass --model <file.afin>" : "")}");
    return 1;
}
return Environment.ExitCode;
