// The ONE place where Afin.MLNet uses ML.NET internals (see build/MLNetPublicize.targets and docs/mlnet.md).
//
// ML.NET keeps its persistence machinery internal (ModelSaveContext's members, ModelLoadContext, LoadableClassAttribute,
// SignatureLoadModel). This file is compiled against publicized copies of Microsoft.ML.Core and Microsoft.ML.Data made at
// build time; at run time the real assemblies are loaded and CoreCLR accepts the calls into their internals because of
// the IgnoresAccessChecksTo attributes below. The LoadableClass attribute makes ML.NET's ComponentCatalog find
// AfinTransformerSerializer.Create when mlContext.Model.Load meets the loader signature recorded in the zip; ML.NET loads
// Afin.MLNet by the assembly name recorded there, so no registration call is needed.
using System.Text.Json;
using System.Text.Json.Serialization;
using Afin.MLNet;
using Afin.MLNet.Persistence;
using Afin.MLNet.Prediction;
using Afin.MLNet.Simulation;
using Afin.Simulation.Estimators;
using Afin.Persistence;
using Afin.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: LoadableClass(typeof(AfinPosteriorTransformer), typeof(AfinTransformerSerializer), null, typeof(SignatureLoadModel),
    "AFIN posterior", AfinTransformerSerializer.LoaderSignature)]
[assembly: LoadableClass(typeof(SimulationPosteriorTransformer), typeof(SimulationTransformerSerializer), null, typeof(SignatureLoadModel),
    "Simulation-based posterior", SimulationTransformerSerializer.LoaderSignature)]
[assembly: LoadableClass(typeof(AfinGroupPredictorTransformer), typeof(AfinGroupPredictorSerializer), null, typeof(SignatureLoadModel),
    "AFIN group predictor", AfinGroupPredictorSerializer.LoaderSignature)]

namespace System.Runtime.CompilerServices
{
    /// <summary>Honoured by CoreCLR: lets this assembly call internal members of the named assembly.</summary>
    [AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
    internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
    {
        /// <summary>The assembly whose internals this assembly may use.</summary>
        public string AssemblyName { get; } = assemblyName;
    }
}

namespace Afin.MLNet.Persistence
{
    /// <summary>Writes <see cref="AfinPosteriorTransformer"/> into an ML.NET model (zip) and reads it back.</summary>
    /// <remarks>
    /// Layout of the transformer's directory in the zip: Model.key (ML.NET header with the version info below) holding
    /// a storage-mode byte and the options as JSON; the AFIN model file (weights, architecture, task distribution) as the
    /// binary stream <see cref="ModelStreamName"/>, or inline after the options when ML.NET saves to a single stream; in
    /// Laplace mode no model at all.
    /// </remarks>
    internal static class AfinTransformerSerializer
    {
        /// <summary>ML.NET's loader signature (at most 24 characters).</summary>
        internal const string LoaderSignature = "AfinPosteriorXf";

        internal const string ModelStreamName = "AfinModel.afin";

        private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

        /// <summary>The first layout: every saved transformer holds a model.</summary>
        private const uint ModelAlwaysVersion = 0x00010001;

        /// <summary>Adds Laplace mode, saved without a model, which a reader of the first layout cannot read.</summary>
        private const uint LaplaceModeVersion = 0x00010002;

        /// <param name="readable">The oldest reader version that can read what is written; loading passes the default.</param>
        private static VersionInfo GetVersionInfo(uint readable = ModelAlwaysVersion) => new(
            modelSignature: "AFINPOST",
            verWrittenCur: LaplaceModeVersion,
            verReadableCur: readable,
            verWeCanReadBack: ModelAlwaysVersion,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(AfinTransformerSerializer).Assembly.FullName);

        internal static void Save(AfinPosteriorTransformer transformer, ModelSaveContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel();
            // Zips of the other modes keep the first layout, so that an older Afin.MLNet still loads them.
            ctx.SetVersionInfo(GetVersionInfo(transformer.Model is null ? LaplaceModeVersion : ModelAlwaysVersion));
            ModelZipSections.Write(ctx, JsonSerializer.Serialize(transformer.Options, Json), ModelStreamName, transformer.Model is { } model ? model.Save : null);
        }

        /// <summary>Called by ML.NET's ComponentCatalog (found through the LoadableClass attribute above).</summary>
        private static AfinPosteriorTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel(GetVersionInfo());
            AfinPosteriorOptions? options = null;
            var model = ModelZipSections.Read(ctx, ModelStreamName, "AfinPosterior", json =>
            {
                options = JsonSerializer.Deserialize<AfinPosteriorOptions>(json, Json) ?? throw new InvalidDataException("AfinPosterior: the saved options are empty");
            }, AfinModel.Load);
            if ((model is null) != (options!.Mode == Afin.Inference.InferenceMode.Laplace))
            {
                throw new InvalidDataException($"AfinPosterior: the saved transformer's Mode is {options.Mode} but it {(model is null ? "holds no" : "holds a")} model");
            }
            return new AfinPosteriorTransformer(model, options);
        }
    }

    /// <summary>Writes <see cref="SimulationPosteriorTransformer"/> into an ML.NET model (zip) and reads it back, laid out as the AFIN transformer is.</summary>
    internal static class SimulationTransformerSerializer
    {
        /// <summary>ML.NET's loader signature (at most 24 characters).</summary>
        internal const string LoaderSignature = "AfinSimulationXf";

        internal const string EstimatorStreamName = "Estimator.afin";

        private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

        private static VersionInfo GetVersionInfo() => new(
            modelSignature: "AFINSBIP",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(SimulationTransformerSerializer).Assembly.FullName);

        internal static void Save(SimulationPosteriorTransformer transformer, ModelSaveContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            if (transformer.Estimator.SummaryOptions.Kind == Afin.Simulation.SummaryNetworkKind.Custom)
            {
                throw new InvalidOperationException("SimulationPosterior: an estimator with a custom summary network cannot be saved in a model zip (its factory is code, and loading could not rebuild it); save the estimator with SimulationEstimator.Save and load it with its factory");
            }
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ModelZipSections.Write(ctx, JsonSerializer.Serialize(transformer.Options, Json), EstimatorStreamName, transformer.Estimator.Save);
        }

        /// <summary>Called by ML.NET's ComponentCatalog (found through the LoadableClass attribute above).</summary>
        private static SimulationPosteriorTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel(GetVersionInfo());
            SimulationPosteriorOptions? options = null;
            var estimator = ModelZipSections.Read(ctx, EstimatorStreamName, "SimulationPosterior", json =>
            {
                options = JsonSerializer.Deserialize<SimulationPosteriorOptions>(json, Json) ?? throw new InvalidDataException("SimulationPosterior: the saved options are empty");
            }, stream => SimulationEstimator.Load(stream))
                ?? throw new InvalidDataException("SimulationPosterior: the saved transformer holds no estimator");
            return new SimulationPosteriorTransformer(estimator, ownsEstimator: true, options!);
        }
    }

    /// <summary>
    /// The layout both transformers use in their zip directory: Model.key holds a storage-mode byte and the options as
    /// JSON; the model file follows as its own binary stream, or inline after the options when ML.NET saves to a single
    /// stream, or is absent (a transformer that needs none).
    /// </summary>
    internal static class ModelZipSections
    {
        private const byte StoredAsStream = 1;
        private const byte StoredInline = 2;
        private const byte StoredNone = 3;

        /// <param name="ctx">The save context.</param>
        /// <param name="optionsJson">The options.</param>
        /// <param name="streamName">The model's stream in a repository.</param>
        /// <param name="saveModel">Writes the model; null when the transformer has none.</param>
        internal static void Write(ModelSaveContext ctx, string optionsJson, string streamName, Action<Stream>? saveModel)
        {
            if (saveModel is null)
            {
                ctx.Writer.Write(StoredNone);
                ctx.Writer.Write(optionsJson);
            }
            else if (ctx.InRepository)
            {
                ctx.Writer.Write(StoredAsStream);
                ctx.Writer.Write(optionsJson);
                ctx.SaveBinaryStream(streamName, writer => saveModel(writer.BaseStream));
            }
            else
            {
                ctx.Writer.Write(StoredInline);
                ctx.Writer.Write(optionsJson);
                using var memory = new MemoryStream();
                saveModel(memory);
                ctx.Writer.Write(memory.Length);
                ctx.Writer.Write(memory.GetBuffer(), 0, (int)memory.Length);
            }
        }

        /// <summary>Reads the options (handed to <paramref name="readOptions"/> first) and then the model, or null when none was saved.</summary>
        internal static T? Read<T>(ModelLoadContext ctx, string streamName, string transformer, Action<string> readOptions, Func<Stream, T> loadModel)
            where T : class
        {
            byte mode = ctx.Reader.ReadByte();
            readOptions(ctx.Reader.ReadString());
            T? model = null;
            if (mode == StoredNone)
            {
                return null;
            }
            if (mode == StoredAsStream)
            {
                ctx.TryLoadBinaryStream(streamName, reader => model = loadModel(reader.BaseStream));
            }
            else if (mode == StoredInline)
            {
                long length = ctx.Reader.ReadInt64();
                using var memory = new MemoryStream(ctx.Reader.ReadBytes(checked((int)length)));
                model = loadModel(memory);
            }
            else
            {
                throw new InvalidDataException($"{transformer}: unknown storage mode {mode} in the saved transformer");
            }
            return model ?? throw new InvalidDataException($"{transformer}: the model zip lacks the model stream {streamName}");
        }
    }

    /// <summary>
    /// Writes <see cref="AfinGroupPredictorTransformer"/> into an ML.NET model (zip) and reads it back: the options as JSON,
    /// then the group posteriors (keys, means, covariances and the prior's) as the JSON stream <see cref="TableStreamName"/>.
    /// </summary>
    internal static class AfinGroupPredictorSerializer
    {
        /// <summary>ML.NET's loader signature (at most 24 characters).</summary>
        internal const string LoaderSignature = "AfinGroupPredictorXf";

        internal const string TableStreamName = "GroupPosteriors.json";

        private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

        private static VersionInfo GetVersionInfo() => new(
            modelSignature: "AFINGRPP",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(AfinGroupPredictorSerializer).Assembly.FullName);

        internal static void Save(AfinGroupPredictorTransformer transformer, ModelSaveContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            ModelZipSections.Write(ctx, JsonSerializer.Serialize(transformer.Options, Json), TableStreamName, transformer.Table.Save);
        }

        /// <summary>Called by ML.NET's ComponentCatalog (found through the LoadableClass attribute above).</summary>
        private static AfinGroupPredictorTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel(GetVersionInfo());
            AfinGroupPredictorOptions? options = null;
            var table = ModelZipSections.Read(ctx, TableStreamName, "AfinGroupPredictor", json =>
            {
                options = JsonSerializer.Deserialize<AfinGroupPredictorOptions>(json, Json) ?? throw new InvalidDataException("AfinGroupPredictor: the saved options are empty");
            }, GroupPosteriorTable.Load)!;
            options!.Validate();
            return new AfinGroupPredictorTransformer(table, options);
        }
    }

    /// <summary>Other internals: the catalog's environment (for logging) and SchemaShape columns.</summary>
    internal static class MLNetInternalAccess
    {
        internal static IHostEnvironment? Environment(TransformsCatalog catalog) => ((IInternalCatalog)catalog).Environment;

        /// <summary>The shape of a schema (for tests of the estimator's schema validation).</summary>
        internal static SchemaShape Shape(DataViewSchema schema) => SchemaShape.Create(schema);

        internal static SchemaShape.Column ShapeColumn(string name, DataViewType type) => type is VectorDataViewType v
            ? new SchemaShape.Column(name, v.IsKnownSize ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.VariableVector, v.ItemType, false)
            : new SchemaShape.Column(name, SchemaShape.Column.VectorKind.Scalar, type, false);
    }
}
