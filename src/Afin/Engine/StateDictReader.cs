using System.Runtime.InteropServices;
using System.Buffers.Binary;
using System.Text;

namespace Afin.Engine;

/// <summary>
/// Reads the state-dict bytes that a model file's <c>weights</c> section holds, without the library that wrote them.
/// </summary>
/// <remarks>
/// The format is the one the training library's <c>Module.save</c> writes (its <c>Module.save(BinaryWriter)</c> and
/// <c>TensorExtensionMethods.Save</c>): the entry count as an unsigned LEB128 integer, then per entry the name as a
/// .NET <c>BinaryWriter</c> string (a 7-bit-encoded, i.e. LEB128, byte length and the UTF-8 bytes), the element
/// type code (LEB128; 6 is float32), the rank (LEB128), each dimension (LEB128) and the raw little-endian elements.
/// Every network parameter is float32, so any other element type is refused rather than converted.
/// </remarks>
internal static class StateDictReader
{
    /// <summary>The element-type code of float32 (torch's ScalarType.Float).</summary>
    internal const int Float32Code = 6;

    private static readonly Dictionary<long, string> TypeNames = new()
    {
        [0] = "uint8", [1] = "int8", [2] = "int16", [3] = "int32", [4] = "int64", [5] = "float16", [6] = "float32",
        [7] = "float64", [11] = "bool", [15] = "bfloat16",
    };

    /// <summary>Parses <paramref name="bytes"/>; <paramref name="source"/> names them in error messages.</summary>
    /// <exception cref="InvalidDataException">The bytes are truncated, malformed or hold a non-float32 tensor; the message says which entry.</exception>
    public static WeightSet Read(ReadOnlySpan<byte> bytes, string source)
    {
        int position = 0;
        long count = ReadLeb128(bytes, ref position, source, "the entry count");
        if (count > bytes.Length)
        {
            throw new InvalidDataException($"{source}: truncated state dict: {count} entries cannot fit in its {bytes.Length} bytes");
        }
        var tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        for (long e = 0; e < count; e++)
        {
            string where = $"entry {e} of {count}";
            long nameLength = ReadLeb128(bytes, ref position, source, $"the name length of {where}");
            Need(bytes, position, nameLength, source, $"the name of {where}");
            string name = Encoding.UTF8.GetString(bytes.Slice(position, (int)nameLength));
            position += (int)nameLength;
            where = $"parameter '{name}'";
            long type = ReadLeb128(bytes, ref position, source, $"the element type of {where}");
            if (type != Float32Code)
            {
                string typeName = TypeNames.TryGetValue(type, out var known) ? known : $"unknown type code {type}";
                throw new InvalidDataException($"{source}: {where} holds {typeName} values; the managed engine reads float32 weights only");
            }
            long rank = ReadLeb128(bytes, ref position, source, $"the rank of {where}");
            if (rank > 8)
            {
                throw new InvalidDataException($"{source}: corrupt state dict: {where} claims rank {rank}");
            }
            var shape = new int[rank];
            long elements = 1;
            for (int r = 0; r < rank; r++)
            {
                long size = ReadLeb128(bytes, ref position, source, $"dimension {r} of {where}");
                if (size > int.MaxValue || (elements *= size) > int.MaxValue / sizeof(float))
                {
                    throw new InvalidDataException($"{source}: corrupt state dict: {where} claims more elements than a tensor can hold");
                }
                shape[r] = (int)size;
            }
            long byteCount = elements * sizeof(float);
            Need(bytes, position, byteCount, source, $"the {elements} values of {where}");
            var values = new float[elements];
            CopyLittleEndian(bytes.Slice(position, (int)byteCount), values);
            position += (int)byteCount;
            if (!tensors.TryAdd(name, new WeightTensor(shape, values)))
            {
                throw new InvalidDataException($"{source}: corrupt state dict: {where} appears twice");
            }
        }
        if (position != bytes.Length)
        {
            throw new InvalidDataException($"{source}: corrupt state dict: {bytes.Length - position} bytes follow its last entry");
        }
        return new WeightSet(tensors, source);
    }

    /// <summary>
    /// Little-endian float32 values into <paramref name="values"/>: one block copy on a little-endian machine (a model's
    /// million weights, read one at a time, cost a process that answers one problem a tenth of a second).
    /// </summary>
    private static void CopyLittleEndian(ReadOnlySpan<byte> raw, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(raw).CopyTo(values);
            return;
        }
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.Slice(i * sizeof(float), sizeof(float)));
        }
    }

    private static void Need(ReadOnlySpan<byte> bytes, int position, long length, string source, string what)
    {
        if (length > bytes.Length - position)
        {
            throw new InvalidDataException($"{source}: truncated state dict: it ends inside {what}");
        }
    }

    /// <summary>An unsigned LEB128 integer: 7 bits per byte, low bits first, the high bit set on every byte but the last.</summary>
    private static long ReadLeb128(ReadOnlySpan<byte> bytes, ref int position, string source, string what)
    {
        long value = 0;
        for (int shift = 0; ; shift += 7)
        {
            if (position >= bytes.Length)
            {
                throw new InvalidDataException($"{source}: truncated state dict: it ends inside {what}");
            }
            if (shift > 56)
            {
                throw new InvalidDataException($"{source}: corrupt state dict: {what} is not a valid LEB128 integer");
            }
            byte b = bytes[position++];
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
