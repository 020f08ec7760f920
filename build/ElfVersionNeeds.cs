// One source for two compilations, so the build-time and the run-time fix of TorchSharp's native library
// cannot drift apart:
//   * MSBuild's RoslynCodeTaskFactory compiles this whole file into the inline task AfinWeakenElfVersionNeeds
//     (build/TorchSharpNativeFix.targets, and buildTransitive/ of the Afin package);
//   * the Afin library compiles it with AFIN_LIBRARY defined, which leaves the MSBuild task out and keeps
//     the ELF reader for its run-time fallback (Afin.Platform.TorchSharpNativeFix).
// The task factory compiles against netstandard, so the code sticks to APIs and syntax both sides have.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace Afin.Platform
{
    /// <summary>One entry of an ELF file's version-needs table (.gnu.version_r): "needs VERSION of FILE".</summary>
    internal sealed class ElfVersionNeed
    {
        public ElfVersionNeed(string file, string version, ushort flags, ushort versionIndex, long flagsOffset)
        {
            File = file;
            Version = version;
            Flags = flags;
            VersionIndex = versionIndex;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library the version belongs to, e.g. libstdc++.so.6.</summary>
        public string File { get; }

        /// <summary>The version name, e.g. GLIBCXX_3.4.32.</summary>
        public string Version { get; }

        /// <summary>vna_flags; <see cref="ElfImage.WeakFlag"/> makes a missing version tolerable.</summary>
        public ushort Flags { get; }

        /// <summary>vna_other: the index that .gnu.version gives the symbols bound to this version.</summary>
        public ushort VersionIndex { get; }

        /// <summary>Byte offset of vna_flags in the file.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak => (Flags & ElfImage.WeakFlag) != 0;
    }

    /// <summary>
    /// What weakening a set of version requirements of one file would do: the requirements found, the ones
    /// still to flip, or the symbol that forbids it (a symbol that really is called through that version).
    /// </summary>
    internal sealed class ElfWeakeningPlan
    {
        public ElfWeakeningPlan(List<ElfVersionNeed> found, List<ElfVersionNeed> toWeaken, string? blockingVersion, string? blockingSymbol)
        {
            Found = found;
            ToWeaken = toWeaken;
            BlockingVersion = blockingVersion;
            BlockingSymbol = blockingSymbol;
        }

        public List<ElfVersionNeed> Found { get; }

        public List<ElfVersionNeed> ToWeaken { get; }

        public string? BlockingVersion { get; }

        public string? BlockingSymbol { get; }

        public bool IsBlocked => BlockingSymbol != null;

        /// <summary>
        /// Plans weakening <paramref name="versions"/> in <paramref name="elf"/>. Weakening only helps if nothing
        /// binds to a symbol of that version outside <paramref name="allowedSymbols"/>: a library that really calls
        /// such a function would load and then die mid-run with a symbol lookup error, worse than failing at load.
        /// </summary>
        public static ElfWeakeningPlan For(ElfImage elf, ICollection<string> versions, ICollection<string> allowedSymbols)
        {
            var found = new List<ElfVersionNeed>();
            var toWeaken = new List<ElfVersionNeed>();
            foreach (ElfVersionNeed need in elf.ReadVersionNeeds())
            {
                if (!versions.Contains(need.Version))
                {
                    continue;
                }
                found.Add(need);
                if (!need.IsWeak)
                {
                    toWeaken.Add(need);
                }
            }
            foreach (ElfVersionNeed need in toWeaken)
            {
                string? offender = elf.FindSymbolOutsideAllowList(need.VersionIndex, allowedSymbols);
                if (offender != null)
                {
                    return new ElfWeakeningPlan(found, toWeaken, need.Version, offender);
                }
            }
            return new ElfWeakeningPlan(found, toWeaken, null, null);
        }

        /// <summary>Sets the weak flag of every planned requirement in <paramref name="bytes"/> (the file's contents).</summary>
        public void ApplyTo(byte[] bytes)
        {
            if (IsBlocked)
            {
                throw new InvalidOperationException("Version requirement " + BlockingVersion + " is used by " + BlockingSymbol + "; it cannot be weakened.");
            }
            foreach (ElfVersionNeed need in ToWeaken)
            {
                ushort flags = (ushort)(need.Flags | ElfImage.WeakFlag);
                bytes[need.FlagsOffset] = (byte)(flags & 0xff);
                bytes[need.FlagsOffset + 1] = (byte)(flags >> 8);
            }
        }
    }

    /// <summary>
    /// A read-only view of a 64-bit little-endian ELF shared library: its section headers, its version needs
    /// and the libraries it needs (DT_NEEDED). Every offset read from the file is bounds-checked.
    /// </summary>
    internal sealed class ElfImage
    {
        public const ushort WeakFlag = 0x2;            // VER_FLG_WEAK
        private const uint ShtDynamic = 6;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const uint ShtGnuVersym = 0x6fffffff;
        private const long DtNeeded = 1;

        private readonly byte[] _b;
        private readonly List<Section> _sections;

        private ElfImage(byte[] bytes, List<Section> sections, ushort machine)
        {
            _b = bytes;
            _sections = sections;
            Machine = machine;
        }

        /// <summary>e_machine (62 = x86-64, 183 = AArch64).</summary>
        public ushort Machine { get; }

        /// <summary>The parsed file, or null when it is not a 64-bit little-endian ELF file with section headers.</summary>
        public static ElfImage? TryParse(byte[] b)
        {
            if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F' || b[4] != 2 || b[5] != 1)
            {
                return null;
            }
            ushort machine = U16(b, 0x12);
            long shoff = checked((long)U64(b, 0x28));
            ushort shentsize = U16(b, 0x3a);
            long shnum = U16(b, 0x3c);
            if (shoff <= 0 || shentsize < 64 || shoff + 64 > b.Length)
            {
                return null;
            }
            if (shnum == 0)
            {
                // Extended numbering: the real count lives in section 0's sh_size.
                shnum = checked((long)U64(b, shoff + 32));
            }
            if (shnum < 0 || shoff + shnum * shentsize > b.Length)
            {
                return null;
            }
            var sections = new List<Section>();
            for (long i = 0; i < shnum; i++)
            {
                long h = shoff + i * shentsize;
                sections.Add(new Section(
                    U32(b, h + 4), checked((long)U64(b, h + 24)), checked((long)U64(b, h + 32)),
                    U32(b, h + 40), U32(b, h + 44), checked((long)U64(b, h + 56))));
            }
            return new ElfImage(b, sections, machine);
        }

        // Elf64_Verneed { u16 vn_version; u16 vn_cnt; u32 vn_file; u32 vn_aux; u32 vn_next; }
        // Elf64_Vernaux { u32 vna_hash; u16 vna_flags; u16 vna_other; u32 vna_name; u32 vna_next; }
        // vn_aux / vn_next / vna_next are byte offsets relative to the current entry; sh_info holds the
        // number of Verneed entries and sh_link the string table the names are in.
        public List<ElfVersionNeed> ReadVersionNeeds()
        {
            var needs = new List<ElfVersionNeed>();
            Section? verneed = FindByType(ShtGnuVerneed);
            if (verneed == null)
            {
                return needs;
            }
            Section strtab = Linked(verneed);
            long end = verneed.Offset + verneed.Size;
            long need = verneed.Offset;
            for (uint n = 0; n < verneed.Info; n++)
            {
                Check(need, 16, end);
                ushort count = U16(_b, need + 2);
                string file = Str(strtab, U32(_b, need + 4));
                long aux = need + U32(_b, need + 8);
                for (ushort a = 0; a < count; a++)
                {
                    Check(aux, 16, end);
                    needs.Add(new ElfVersionNeed(file, Str(strtab, U32(_b, aux + 8)), U16(_b, aux + 4), U16(_b, aux + 6), aux + 4));
                    uint nextAux = U32(_b, aux + 12);
                    if (nextAux == 0)
                    {
                        break;
                    }
                    aux += nextAux;
                }
                uint next = U32(_b, need + 12);
                if (next == 0)
                {
                    break;
                }
                need += next;
            }
            return needs;
        }

        /// <summary>
        /// Walks .gnu.version (one u16 per .dynsym entry; bit 15 = hidden) for the dynamic symbols bound to
        /// <paramref name="versionIndex"/>; returns the first that is defined here or not in the allow-list.
        /// </summary>
        public string? FindSymbolOutsideAllowList(ushort versionIndex, ICollection<string> allowed)
        {
            Section? versym = FindByType(ShtGnuVersym);
            if (versym == null)
            {
                return null; // no symbol carries a version, so none can bind to this one
            }
            Section dynsym = Linked(versym);
            Section dynstr = Linked(dynsym);
            long symSize = dynsym.EntrySize != 0 ? dynsym.EntrySize : 24;
            long count = Math.Min(versym.Size / 2, dynsym.Size / symSize);
            for (long i = 0; i < count; i++)
            {
                Check(versym.Offset + 2 * i, 2, versym.Offset + versym.Size);
                if ((U16(_b, versym.Offset + 2 * i) & 0x7fff) != versionIndex)
                {
                    continue;
                }
                long sym = dynsym.Offset + i * symSize;
                Check(sym, 24, dynsym.Offset + dynsym.Size);
                string name = Str(dynstr, U32(_b, sym));
                bool undefined = U16(_b, sym + 6) == 0; // st_shndx == SHN_UNDEF
                if (!undefined || !allowed.Contains(name))
                {
                    return name;
                }
            }
            return null;
        }

        /// <summary>The DT_NEEDED entries of the dynamic section: the libraries the loader opens first.</summary>
        public List<string> NeededLibraries()
        {
            var needed = new List<string>();
            Section? dynamic = FindByType(ShtDynamic);
            if (dynamic == null)
            {
                return needed;
            }
            Section strtab = Linked(dynamic);
            long end = dynamic.Offset + dynamic.Size;
            for (long at = dynamic.Offset; at + 16 <= end; at += 16)
            {
                Check(at, 16, end);
                long tag = (long)U64(_b, at);
                if (tag == 0)
                {
                    break; // DT_NULL
                }
                if (tag == DtNeeded)
                {
                    needed.Add(Str(strtab, checked((uint)U64(_b, at + 8))));
                }
            }
            return needed;
        }

        private Section? FindByType(uint type)
        {
            foreach (Section s in _sections)
            {
                if (s.Type == type)
                {
                    return s;
                }
            }
            return null;
        }

        private Section Linked(Section s)
        {
            if (s.Link >= _sections.Count)
            {
                throw new InvalidDataException("ELF section link out of range");
            }
            return _sections[(int)s.Link];
        }

        private string Str(Section strtab, uint offset)
        {
            long start = strtab.Offset + offset;
            long end = strtab.Offset + strtab.Size;
            Check(start, 1, end);
            long p = start;
            while (p < end && _b[p] != 0)
            {
                p++;
            }
            return Encoding.ASCII.GetString(_b, (int)start, (int)(p - start));
        }

        private void Check(long at, long length, long end)
        {
            if (at < 0 || at + length > end || at + length > _b.Length)
            {
                throw new InvalidDataException("ELF structure points outside its section");
            }
        }

        internal static ushort U16(byte[] b, long at) => (ushort)(b[at] | (b[at + 1] << 8));

        internal static uint U32(byte[] b, long at) => (uint)(b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24));

        internal static ulong U64(byte[] b, long at) => U32(b, at) | ((ulong)U32(b, at + 4) << 32);

        private sealed class Section
        {
            public Section(uint type, long offset, long size, uint link, uint info, long entrySize)
            {
                Type = type;
                Offset = offset;
                Size = size;
                Link = link;
                Info = info;
                EntrySize = entrySize;
            }

            public uint Type { get; }
            public long Offset { get; }
            public long Size { get; }
            public uint Link { get; }
            public uint Info { get; }
            public long EntrySize { get; }
        }
    }
}

#if !AFIN_LIBRARY
namespace Afin.Build
{
    using System.Linq;
    using Afin.Platform;
    using Microsoft.Build.Framework;
    using Microsoft.Build.Utilities;

    /// <summary>
    /// MSBuild task: marks the listed version requirements of each file weak, in place of the build output's
    /// copy (never written through: a patched temporary file is renamed over it), when the machine's
    /// libstdc++ lacks them and only allow-listed symbols depend on them. Warnings, never errors.
    /// </summary>
    public sealed class AfinWeakenElfVersionNeeds : Task
    {
        private const string WarningCode = "AFINTS001";

        [Required] public ITaskItem[] Files { get; set; } = new ITaskItem[0];
        [Required] public string[] Versions { get; set; } = new string[0];
        [Required] public string[] AllowedSymbols { get; set; } = new string[0];
        public bool SkipHostCheck { get; set; }

        public override bool Execute()
        {
            foreach (ITaskItem item in Files)
            {
                string path = item.GetMetadata("FullPath");
                if (!File.Exists(path))
                {
                    continue;
                }
                try
                {
                    ProcessFile(path);
                }
                catch (Exception ex)
                {
                    // A fix-up must never break a build that might not even need it: report and move on.
                    Warn(path, "Could not weaken the libstdc++ version requirement of this file: " + ex.Message);
                }
            }
            return !Log.HasLoggedErrors;
        }

        private void Warn(string path, string message) => Log.LogWarning(null, WarningCode, null, path, 0, 0, 0, 0, message);

        private void ProcessFile(string path)
        {
            byte[] bytes = File.ReadAllBytes(path);
            ElfImage? elf = ElfImage.TryParse(bytes);
            if (elf == null)
            {
                Warn(path, "Not a 64-bit little-endian ELF file with section headers; left unchanged.");
                return;
            }
            var versions = new HashSet<string>(Versions, StringComparer.Ordinal);
            if (!SkipHostCheck)
            {
                string? libstdcxx = HostLibStdCxx.Find(elf.Machine);
                if (libstdcxx != null)
                {
                    versions.RemoveWhere(version => HostLibStdCxx.Defines(libstdcxx, version));
                    if (versions.Count == 0)
                    {
                        Log.LogMessage(MessageImportance.Low, "{0} provides {1}; {2} left unchanged.", libstdcxx, string.Join(", ", Versions), path);
                        return;
                    }
                }
                else
                {
                    Log.LogMessage(MessageImportance.Low, "No libstdc++.so.6 found on this machine; weakening anyway (harmless).");
                }
            }
            ElfWeakeningPlan plan = ElfWeakeningPlan.For(elf, versions, new HashSet<string>(AllowedSymbols, StringComparer.Ordinal));
            if (plan.IsBlocked)
            {
                Warn(path, "Needs " + plan.BlockingVersion + " for '" + plan.BlockingSymbol + "', which this fix does not know to be unused; left unchanged. " +
                    "The library will only load with a libstdc++ that provides " + plan.BlockingVersion + ".");
                return;
            }
            if (plan.ToWeaken.Count == 0)
            {
                // Another TorchSharp build may not need these versions at all, or an earlier build already patched it.
                Log.LogMessage(MessageImportance.Low, "{0}: nothing to weaken among {1}.", path, string.Join(", ", versions));
                return;
            }
            plan.ApplyTo(bytes);
            ReplaceKeepingStamp(path, bytes);
            foreach (ElfVersionNeed need in plan.ToWeaken)
            {
                Log.LogMessage(MessageImportance.Normal,
                    "Marked the {0} requirement (from {1}) of {2} as weak so it loads with this machine's libstdc++.", need.Version, need.File, path);
            }
        }

        // Never write into the existing file: it may be a hard link to (or share storage with) the NuGet cache.
        // Write a private copy and rename it over the output path; the rename replaces the directory entry and
        // leaves whatever it pointed to untouched. Same size and timestamp as the file MSBuild copied, so its
        // incremental copy sees nothing to do on the next build.
        private static void ReplaceKeepingStamp(string path, byte[] bytes)
        {
            DateTime stamp = File.GetLastWriteTimeUtc(path);
            string temp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
            try
            {
                File.Copy(path, temp, true); // keeps the file mode
                File.WriteAllBytes(temp, bytes);
                File.SetLastWriteTimeUtc(temp, stamp);
                File.Replace(temp, path, null);
            }
            finally
            {
                if (File.Exists(temp))
                {
                    File.Delete(temp);
                }
            }
        }
    }

    /// <summary>Finds the libstdc++ the dynamic loader would pick and tells whether it defines a version.</summary>
    internal static class HostLibStdCxx
    {
        // Where the loader would look, in its order: LD_LIBRARY_PATH, /etc/ld.so.cache, default dirs.
        // The first libstdc++.so.6 of the same architecture as the library being patched wins.
        public static string? Find(ushort machine)
        {
            var candidates = new List<string>();
            string? ldPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
            if (!string.IsNullOrEmpty(ldPath))
            {
                candidates.AddRange(ldPath!.Split(':').Where(dir => dir.Length > 0).Select(dir => Path.Combine(dir, "libstdc++.so.6")));
            }
            candidates.AddRange(FromLdSoCache());
            foreach (string dir in new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu",
                                           "/usr/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib" })
            {
                candidates.Add(dir + "/libstdc++.so.6");
            }
            return candidates.FirstOrDefault(candidate => IsElf64ForMachine(candidate, machine));
        }

        // The cache's string table holds the full paths of the libraries it indexes; rather than decode
        // both historic cache layouts, take every NUL-terminated absolute path ending in /libstdc++.so.6.
        private static IEnumerable<string> FromLdSoCache()
        {
            byte[] cache;
            try
            {
                cache = File.ReadAllBytes("/etc/ld.so.cache");
            }
            catch (Exception)
            {
                yield break;
            }
            int start = 0;
            for (int i = 0; i <= cache.Length; i++)
            {
                if (i == cache.Length || cache[i] == 0)
                {
                    if (i > start && cache[start] == (byte)'/')
                    {
                        string s = Encoding.ASCII.GetString(cache, start, i - start);
                        if (s.EndsWith("/libstdc++.so.6", StringComparison.Ordinal))
                        {
                            yield return s;
                        }
                    }
                    start = i + 1;
                }
            }
        }

        private static bool IsElf64ForMachine(string path, ushort machine)
        {
            try
            {
                if (!File.Exists(path))
                {
                    return false;
                }
                var head = new byte[20];
                using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    if (fs.Read(head, 0, head.Length) != head.Length)
                    {
                        return false;
                    }
                }
                return head[0] == 0x7f && head[1] == (byte)'E' && head[2] == (byte)'L' && head[3] == (byte)'F'
                    && head[4] == 2 && head[5] == 1 && ElfImage.U16(head, 0x12) == machine;
            }
            catch (Exception)
            {
                return false;
            }
        }

        // A version a library defines appears as a NUL-delimited string in its .dynstr.
        public static bool Defines(string path, string version)
        {
            byte[] lib = File.ReadAllBytes(path);
            byte[] needle = Encoding.ASCII.GetBytes("\0" + version + "\0");
            for (int i = 0; i + needle.Length <= lib.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && lib[i + j] == needle[j])
                {
                    j++;
                }
                if (j == needle.Length)
                {
                    return true;
                }
            }
            return false;
        }
    }
}
#endif
