using System.Text.Json.Serialization;

namespace Afin.Persistence;

/// <summary>
/// The model file header's JSON, generated at compile time: with reflection, the first header read of a process cost
/// about 70 ms of a one-problem process's 400 (docs/benchmarks.md, "A process that answers one problem"). Same options as
/// <see cref="AfinModel.HeaderJson"/> (indented, enums by name).
/// </summary>
/// <remarks>
/// The generated reader sets every init-only property, so one that an older file lacks reads as default(T), not as its
/// initializer: a property added later must mean the old behaviour at 0, false or null.
/// </remarks>
[JsonSourceGenerationOptions(WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(AfinModel.ModelHeader))]
internal sealed partial class ModelHeaderJson : JsonSerializerContext;
