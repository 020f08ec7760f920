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
using Afin.Persistence;
using Afin.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
[assembly: LoadableClass(typeof(AfinPosteriorTransformer), typeof(AfinTransformerSerializer), null, typeof(SignatureLoadModel),
    "AFIN posterior", AfinTransformerSerializer.LoaderSignature)]

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
    /// binary stream <see cref="ModelStreamName"/>, or inline after the options when ML.NET saves to a single stream.
    /// </remarks>
    internal static class AfinTransformerSerializer
    {
        /// <summary>ML.NET's loader signature (at most 24 characters).</summary>
        internal const string LoaderSignature = "AfinPosteriorXf";

        internal const string ModelStreamName = "AfinModel.afin";

        private const byte StoredAsStream = 1;
        private const byte StoredInline = 2;

        private static readonly JsonSerializerOptions Json = new() { Converters = { new JsonStringEnumConverter() } };

        private static VersionInfo GetVersionInfo() => new(
            modelSignature: "AFINPOST",
            verWrittenCur: 0x00010001,
            verReadableCur: 0x00010001,
            verWeCanReadBack: 0x00010001,
            loaderSignature: LoaderSignature,
            loaderAssemblyName: typeof(AfinTransformerSerializer).Assembly.FullName);

        internal static void Save(AfinPosteriorTransformer transformer, ModelSaveContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel();
            ctx.SetVersionInfo(GetVersionInfo());
            if (ctx.InRepository)
            {
                ctx.Writer.Write(StoredAsStream);
                ctx.Writer.Write(JsonSerializer.Serialize(transformer.Options, Json));
                ctx.SaveBinaryStream(ModelStreamName, writer => transformer.Model.Save(writer.BaseStream));
            }
            else
            {
                ctx.Writer.Write(StoredInline);
                ctx.Writer.Write(JsonSerializer.Serialize(transformer.Options, Json));
                using var memory = new MemoryStream();
                transformer.Model.Save(memory);
                ctx.Writer.Write(memory.Length);
                ctx.Writer.Write(memory.GetBuffer(), 0, (int)memory.Length);
            }
        }

        /// <summary>Called by ML.NET's ComponentCatalog (found through the LoadableClass attribute above).</summary>
        private static AfinPosteriorTransformer Create(IHostEnvironment env, ModelLoadContext ctx)
        {
            ArgumentNullException.ThrowIfNull(ctx);
            ctx.CheckAtModel(GetVersionInfo());
            byte mode = ctx.Reader.ReadByte();
            var options = JsonSerializer.Deserialize<AfinPosteriorOptions>(ctx.Reader.ReadString(), Json)
                ?? throw new InvalidDataException("AfinPosterior: the saved options are empty");
            var device = DeviceSelection.Resolve(options.Device);
            AfinModel? model = null;
            if (mode == StoredAsStream)
            {
                ctx.TryLoadBinaryStream(ModelStreamName, reader => model = AfinModel.Load(reader.BaseStream, device));
            }
            else if (mode == StoredInline)
            {
                long length = ctx.Reader.ReadInt64();
                using var memory = new MemoryStream(ctx.Reader.ReadBytes(checked((int)length)));
                model = AfinModel.Load(memory, device);
            }
            else
            {
                throw new InvalidDataException($"AfinPosterior: unknown storage mode {mode} in the saved transformer");
            }
            if (model is null)
            {
                throw new InvalidDataException($"AfinPosterior: the model zip lacks the AFIN model stream {ModelStreamName}");
            }
            return new AfinPosteriorTransformer(model, ownsModel: true, options);
        }
    }

    /// <summary>Other internals: the catalog's environment (for logging) and SchemaShape columns.</summary>
    internal static class MLNetInternalAccess
    {
        internal static IHostEnvironment? Environment(TransformsCatalog catalog) => ((IInternalCatalog)catalog).Environment;

        /// <summary>The shape of a schema (for tests of the estimator's schema validation).</summary>
        internal static SchemaShape Shape(DataViewSchema schema) => SchemaShape.Create(schema);

        internal static SchemaShape.Column ShapeColumn(string name, DataViewType type) => type is VectorDataViewType v
            ? new SchemaShape.Column(name, SchemaShape.Column.VectorKind.VariableVector, v.ItemType, false)
            : new SchemaShape.Column(name, SchemaShape.Column.VectorKind.Scalar, type, false);
    }
}
