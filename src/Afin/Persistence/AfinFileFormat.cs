using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Afin.Persistence;

/// <summary>
/// The container shared by model files and training checkpoints: an 8-byte magic naming the kind,
/// a format version, a JSON header, named binary sections (TorchSharp's own tensor format, never a
/// Python pickle) and a SHA-256 of everything before it. Reading checks each of these in turn so
/// that a truncated, corrupt, wrong-version or wrong-kind file is reported as such and never half-loaded.
/// </summary>
internal static class AfinFileFormat
{
    internal const int Version = 1;
    private const int HashLength = 32;

    internal static void Write(Stream destination, AfinFileKind kind, string headerJson, IReadOnlyList<(string Name, byte[] Bytes)> sections)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(kind.Magic());
            writer.Write(Version);
            WriteBlob(writer, Encoding.UTF8.GetBytes(headerJson));
            writer.Write(sections.Count);
            foreach (var (name, bytes) in sections)
            {
                WriteBlob(writer, Encoding.UTF8.GetBytes(name));
                WriteBlob(writer, bytes);
            }
        }
        var content = buffer.ToArray();
        destination.Write(content);
        destination.Write(SHA256.HashData(content));
    }

    internal static AfinFileContent Read(byte[] file, AfinFileKind expected, string path)
    {
        if (file.Length < 8)
        {
            throw new InvalidDataException($"{path}: truncated: {file.Length} bytes is too short for an AFIN file");
        }
        var found = AfinFileKinds.FromMagic(file.AsSpan(0, 8));
        if (found is null)
        {
            throw new InvalidDataException($"{path}: not an AFIN file (unknown magic bytes); expected an AFIN {expected.Describe()}");
        }
        if (found != expected)
        {
            throw new InvalidDataException($"{path}: wrong kind: this is an AFIN {found.Value.Describe()}, expected an AFIN {expected.Describe()}");
        }
        if (file.Length < 12 + HashLength)
        {
            throw new InvalidDataException($"{path}: truncated: the file ends inside its header");
        }
        int version = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(8, 4));
        if (version != Version)
        {
            throw new InvalidDataException($"{path}: wrong version: file format version {version}, this library reads version {Version}");
        }
        var content = file.AsSpan(0, file.Length - HashLength);
        if (!SHA256.HashData(content).AsSpan().SequenceEqual(file.AsSpan(file.Length - HashLength)))
        {
            throw new InvalidDataException($"{path}: corrupt or truncated: the content hash does not match (the file was damaged or cut short)");
        }
        return Parse(file, content.Length, path);
    }

    /// <summary>Reads the header and sections from the first <paramref name="length"/> bytes of <paramref name="file"/> in place (a model is megabytes: no copy of the whole).</summary>
    private static AfinFileContent Parse(byte[] file, int length, string path)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(file, 0, length, writable: false), Encoding.UTF8);
            reader.ReadBytes(12);
            string header = Encoding.UTF8.GetString(ReadBlob(reader));
            int count = reader.ReadInt32();
            var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                sections[Encoding.UTF8.GetString(ReadBlob(reader))] = ReadBlob(reader);
            }
            return new AfinFileContent(header, sections);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{path}: corrupt: a section runs past the end of the file");
        }
    }

    private static void WriteBlob(BinaryWriter writer, byte[] bytes)
    {
        writer.Write((long)bytes.Length);
        writer.Write(bytes);
    }

    private static byte[] ReadBlob(BinaryReader reader)
    {
        long length = reader.ReadInt64();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new EndOfStreamException();
        }
        return reader.ReadBytes((int)length);
    }
}

/// <summary>The header and named sections of an AFIN file whose hash has been verified.</summary>
internal sealed record AfinFileContent(string HeaderJson, IReadOnlyDictionary<string, byte[]> Sections)
{
    internal byte[] Section(string name, string path) =>
        Sections.TryGetValue(name, out var bytes) ? bytes : throw new InvalidDataException($"{path}: corrupt: section '{name}' is missing");
}
