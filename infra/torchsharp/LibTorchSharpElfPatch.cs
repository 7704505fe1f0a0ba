// Makes TorchSharp-cpu's libLibTorchSharp.so load against a libstdc++ older than GCC 13 (e.g. Debian 12's, which
// defines GLIBCXX versions up to 3.4.30) with three fixed-size, in-place edits of ELF64 records. See README.md here.
//
// One file, compiled twice: by MSBuild's RoslynCodeTaskFactory for /Directory.Build.targets (the
// AffectPatchLibTorchSharp task at the end of the file), and by tests/Affect.Training.Tests, which defines
// AFFECT_ELF_TESTS and so leaves out the MSBuild task wrapper. Inline tasks compile against netstandard 2.0:
// no spans, no BinaryPrimitives, no records.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
#if !AFFECT_ELF_TESTS
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Affect.Build;

/// <summary>The file is not the ELF the patch expects; the message names the file and the field.</summary>
public sealed class ElfFormatException : Exception
{
    /// <summary>Creates the error for <paramref name="path"/>, naming the record field that is wrong.</summary>
    public ElfFormatException(string path, string field, string message)
        : base($"{path}: {field}: {message}")
    {
    }
}

/// <summary>Elf64_Ehdr field offsets (System V gABI).</summary>
internal static class Elf64Ehdr
{
    public const int Length = 64;
    public const int EiClass = 4;      // u8: 2 = ELFCLASS64
    public const int EiData = 5;       // u8: 1 = ELFDATA2LSB
    public const int EMachine = 0x12;  // u16
    public const int EShoff = 0x28;    // u64: file offset of the section header table
    public const int EShentsize = 0x3A; // u16
    public const int EShnum = 0x3C;    // u16
}

/// <summary>Elf64_Shdr field offsets.</summary>
internal static class Elf64Shdr
{
    public const int Length = 64;
    public const int ShType = 4;     // u32
    public const int ShOffset = 24;  // u64
    public const int ShSize = 32;    // u64
    public const int ShLink = 40;    // u32
    public const int ShEntsize = 56; // u64
}

/// <summary>Elf64_Sym field offsets (one .dynsym entry).</summary>
internal static class Elf64Sym
{
    public const int Length = 24;
    public const int StName = 0;  // u32: offset in the linked string table
    public const int StInfo = 4;  // u8: (binding << 4) | type
    public const int StShndx = 6; // u16: 0 = undefined
}

/// <summary>Elf64_Verneed field offsets (.gnu.version_r: one per needed library).</summary>
internal static class Elf64Verneed
{
    public const int Length = 16;
    public const int VnCnt = 2;   // u16: number of Vernaux entries
    public const int VnFile = 4;  // u32: library name
    public const int VnAux = 8;   // u32: offset of the first Vernaux, from this record
    public const int VnNext = 12; // u32: offset of the next Verneed, from this record; 0 ends the chain
}

/// <summary>Elf64_Vernaux field offsets (one required version of a needed library).</summary>
internal static class Elf64Vernaux
{
    public const int Length = 16;
    public const int VnaFlags = 4;  // u16: VER_FLG_WEAK = 2
    public const int VnaOther = 6;  // u16: the version index symbols use in .gnu.version
    public const int VnaName = 8;   // u32
    public const int VnaNext = 12;  // u32: offset of the next Vernaux, from this record; 0 ends the chain
}

/// <summary>Elf64_Verdef field offsets (.gnu.version_d: one per version a library defines).</summary>
internal static class Elf64Verdef
{
    public const int Length = 20;
    public const int VdCnt = 6;   // u16: number of Verdaux entries (the first names the version)
    public const int VdAux = 12;  // u32: offset of the first Verdaux, from this record
    public const int VdNext = 16; // u32: offset of the next Verdef, from this record; 0 ends the chain
}

/// <summary>Elf64_Verdaux field offsets.</summary>
internal static class Elf64Verdaux
{
    public const int Length = 8;
    public const int VdaName = 0; // u32
}

/// <summary>Elf64_Dyn field offsets (.dynamic).</summary>
internal static class Elf64Dyn
{
    public const int Length = 16;
    public const int DTag = 0; // i64
    public const int DVal = 8; // u64
}

/// <summary>One ELF section header, as read.</summary>
internal sealed class ElfSection
{
    public ElfSection(int index, uint type, long offset, long size, int link, long entrySize)
    {
        Index = index;
        Type = type;
        Offset = offset;
        Size = size;
        Link = link;
        EntrySize = entrySize;
    }

    public int Index { get; }

    public uint Type { get; }

    public long Offset { get; }

    public long Size { get; }

    public int Link { get; }

    public long EntrySize { get; }
}

/// <summary>One Vernaux record: a version of a needed library that this file requires.</summary>
internal sealed class ElfVersionRequirement
{
    public ElfVersionRequirement(string library, string name, ushort flags, ushort index, long offset)
    {
        Library = library;
        Name = name;
        Flags = flags;
        Index = index;
        Offset = offset;
    }

    public string Library { get; }

    public string Name { get; }

    public ushort Flags { get; }

    /// <summary>vna_other: the index .gnu.version entries use to name this version.</summary>
    public ushort Index { get; }

    /// <summary>File offset of the Vernaux record.</summary>
    public long Offset { get; }
}

/// <summary>
/// A bounds-checked view of an ELF64 little-endian shared library held in memory: section headers, string tables,
/// symbol-version tables and dynamic symbols. Every read that would leave the file is an <see cref="ElfFormatException"/>.
/// </summary>
internal sealed class ElfImage
{
    public const uint ShtStrtab = 3;
    public const uint ShtDynamic = 6;
    public const uint ShtNobits = 8;
    public const uint ShtDynsym = 11;
    public const uint ShtGnuVerdef = 0x6FFFFFFD;
    public const uint ShtGnuVerneed = 0x6FFFFFFE;
    public const uint ShtGnuVersym = 0x6FFFFFFF;
    public const long DtNeeded = 1;
    public const ushort EmX8664 = 62;
    public const ushort EmAarch64 = 183;

    private readonly List<ElfSection> sections = new List<ElfSection>();

    public ElfImage(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
        if (bytes.Length < Elf64Ehdr.Length || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new ElfFormatException(path, "e_ident", "not an ELF file (no \\x7fELF magic in a 64-byte header)");
        }

        if (bytes[Elf64Ehdr.EiClass] != 2 || bytes[Elf64Ehdr.EiData] != 1)
        {
            throw new ElfFormatException(path, "e_ident", "only 64-bit little-endian ELF files are supported");
        }

        Machine = U16(Elf64Ehdr.EMachine, "e_machine");
        long shoff = Offset(U64(Elf64Ehdr.EShoff, "e_shoff"), "e_shoff");
        int shentsize = U16(Elf64Ehdr.EShentsize, "e_shentsize");
        int shnum = U16(Elf64Ehdr.EShnum, "e_shnum");
        if (shoff == 0 || shnum == 0 || shentsize != Elf64Shdr.Length)
        {
            throw new ElfFormatException(path, "e_shoff", "no section header table of 64-byte entries");
        }

        for (int i = 0; i < shnum; i++)
        {
            long header = shoff + (long)i * Elf64Shdr.Length;
            string field = $"section header {i}";
            uint type = U32(header + Elf64Shdr.ShType, field);
            long offset = Offset(U64(header + Elf64Shdr.ShOffset, field), field);
            long size = Offset(U64(header + Elf64Shdr.ShSize, field), field);
            if (type != ShtNobits && offset + size > bytes.Length)
            {
                throw new ElfFormatException(path, field, $"sh_offset {offset} + sh_size {size} is past the end of the file ({bytes.Length} bytes)");
            }

            sections.Add(new ElfSection(i, type, offset, size, (int)U32(header + Elf64Shdr.ShLink, field),
                Offset(U64(header + Elf64Shdr.ShEntsize, field), field)));
        }
    }

    public string Path { get; }

    /// <summary>The file's bytes; the patch edits them in place.</summary>
    public byte[] Bytes { get; }

    /// <summary>e_machine: 62 = x86-64, 183 = AArch64.</summary>
    public ushort Machine { get; }

    public IReadOnlyList<ElfSection> Sections => sections;

    /// <summary>The first section of <paramref name="type"/>, or null.</summary>
    public ElfSection? Find(uint type)
    {
        foreach (var section in sections)
        {
            if (section.Type == type)
            {
                return section;
            }
        }

        return null;
    }

    /// <summary>The NUL-terminated string at <paramref name="offset"/> of string-table section <paramref name="tableIndex"/>.</summary>
    public string String(int tableIndex, uint offset, string field)
    {
        if (tableIndex <= 0 || tableIndex >= sections.Count || sections[tableIndex].Type != ShtStrtab)
        {
            throw new ElfFormatException(Path, field, $"sh_link {tableIndex} is not a string table");
        }

        var table = sections[tableIndex];
        if (offset >= table.Size)
        {
            throw new ElfFormatException(Path, field, $"string offset {offset} is outside its table ({table.Size} bytes)");
        }

        long start = table.Offset + offset;
        long end = start;
        while (end < table.Offset + table.Size && Bytes[end] != 0)
        {
            end++;
        }

        if (end == table.Offset + table.Size)
        {
            throw new ElfFormatException(Path, field, $"string at offset {offset} is not NUL-terminated");
        }

        return Encoding.UTF8.GetString(Bytes, (int)start, (int)(end - start));
    }

    /// <summary>The names of the versions this library defines (.gnu.version_d), e.g. GLIBCXX_3.4.30.</summary>
    public List<string> VersionDefinitions()
    {
        var names = new List<string>();
        var section = Find(ShtGnuVerdef);
        if (section == null)
        {
            return names;
        }

        long record = section.Offset;
        for (long guard = section.Size / Elf64Verdef.Length; guard >= 0; guard--)
        {
            InSection(section, record, Elf64Verdef.Length, "Elf64_Verdef");
            if (U16(record + Elf64Verdef.VdCnt, "vd_cnt") > 0)
            {
                long aux = record + U32(record + Elf64Verdef.VdAux, "vd_aux");
                InSection(section, aux, Elf64Verdaux.Length, "Elf64_Verdaux");
                names.Add(String(section.Link, U32(aux + Elf64Verdaux.VdaName, "vda_name"), "vda_name"));
            }

            uint next = U32(record + Elf64Verdef.VdNext, "vd_next");
            if (next == 0)
            {
                return names;
            }

            record += next;
        }

        throw new ElfFormatException(Path, ".gnu.version_d", "vd_next chain does not end");
    }

    /// <summary>Every Vernaux record of .gnu.version_r, with the library that must provide it.</summary>
    public List<ElfVersionRequirement> VersionRequirements()
    {
        var requirements = new List<ElfVersionRequirement>();
        var section = Find(ShtGnuVerneed);
        if (section == null)
        {
            return requirements;
        }

        long record = section.Offset;
        for (long guard = section.Size / Elf64Verneed.Length; guard >= 0; guard--)
        {
            InSection(section, record, Elf64Verneed.Length, "Elf64_Verneed");
            string library = String(section.Link, U32(record + Elf64Verneed.VnFile, "vn_file"), "vn_file");
            long aux = record + U32(record + Elf64Verneed.VnAux, "vn_aux");
            int count = U16(record + Elf64Verneed.VnCnt, "vn_cnt");
            for (int i = 0; i < count; i++)
            {
                InSection(section, aux, Elf64Vernaux.Length, "Elf64_Vernaux");
                string name = String(section.Link, U32(aux + Elf64Vernaux.VnaName, "vna_name"), "vna_name");
                requirements.Add(new ElfVersionRequirement(library, name, U16(aux + Elf64Vernaux.VnaFlags, "vna_flags"),
                    U16(aux + Elf64Vernaux.VnaOther, "vna_other"), aux));
                uint nextAux = U32(aux + Elf64Vernaux.VnaNext, "vna_next");
                if (nextAux == 0)
                {
                    break;
                }

                aux += nextAux;
            }

            uint next = U32(record + Elf64Verneed.VnNext, "vn_next");
            if (next == 0)
            {
                return requirements;
            }

            record += next;
        }

        throw new ElfFormatException(Path, ".gnu.version_r", "vn_next chain does not end");
    }

    /// <summary>The .dynsym section, checked to hold whole 24-byte Elf64_Sym entries.</summary>
    public ElfSection DynamicSymbols()
    {
        var dynsym = Find(ShtDynsym) ?? throw new ElfFormatException(Path, ".dynsym", "no dynamic symbol table");
        if (dynsym.EntrySize != Elf64Sym.Length || dynsym.Size % Elf64Sym.Length != 0)
        {
            throw new ElfFormatException(Path, ".dynsym", $"sh_entsize {dynsym.EntrySize} / sh_size {dynsym.Size} are not whole Elf64_Sym entries");
        }

        return dynsym;
    }

    /// <summary>The .gnu.version section, checked to hold one 2-byte entry per dynamic symbol.</summary>
    public ElfSection VersionSymbols()
    {
        var versym = Find(ShtGnuVersym) ?? throw new ElfFormatException(Path, ".gnu.version", "no symbol version table");
        if (versym.Size != DynamicSymbols().Size / Elf64Sym.Length * 2)
        {
            throw new ElfFormatException(Path, ".gnu.version", $"sh_size {versym.Size} does not match the {DynamicSymbols().Size / Elf64Sym.Length} dynamic symbols");
        }

        return versym;
    }

    /// <summary>The file offset of dynamic symbol <paramref name="index"/>'s Elf64_Sym record.</summary>
    public long SymbolOffset(int index) => DynamicSymbols().Offset + (long)index * Elf64Sym.Length;

    /// <summary>The file offset of dynamic symbol <paramref name="index"/>'s .gnu.version entry.</summary>
    public long VersymOffset(int index) => VersionSymbols().Offset + (long)index * 2;

    /// <summary>Indices of the dynamic symbols named <paramref name="name"/>.</summary>
    public List<int> SymbolIndices(string name)
    {
        var dynsym = DynamicSymbols();
        var indices = new List<int>();
        int count = (int)(dynsym.Size / Elf64Sym.Length);
        for (int i = 1; i < count; i++)
        {
            if (String(dynsym.Link, U32(SymbolOffset(i) + Elf64Sym.StName, "st_name"), "st_name") == name)
            {
                indices.Add(i);
            }
        }

        return indices;
    }

    /// <summary>The version index (.gnu.version entry without its hidden bit) of every dynamic symbol.</summary>
    public ushort[] SymbolVersionIndices()
    {
        var versym = VersionSymbols();
        var indices = new ushort[versym.Size / 2];
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = (ushort)(U16(versym.Offset + (long)i * 2, ".gnu.version") & 0x7FFF);
        }

        return indices;
    }

    /// <summary>The DT_NEEDED library names of .dynamic, in order.</summary>
    public List<string> NeededLibraries()
    {
        var needed = new List<string>();
        var dynamic = Find(ShtDynamic);
        if (dynamic == null)
        {
            return needed;
        }

        for (long entry = dynamic.Offset; entry + Elf64Dyn.Length <= dynamic.Offset + dynamic.Size; entry += Elf64Dyn.Length)
        {
            long tag = (long)U64(entry + Elf64Dyn.DTag, "d_tag");
            if (tag == 0)
            {
                break;
            }

            if (tag == DtNeeded)
            {
                needed.Add(String(dynamic.Link, (uint)U64(entry + Elf64Dyn.DVal, "d_val"), "DT_NEEDED"));
            }
        }

        return needed;
    }

    public ushort U16(long offset, string field)
    {
        Check(offset, 2, field);
        return (ushort)(Bytes[offset] | (Bytes[offset + 1] << 8));
    }

    public uint U32(long offset, string field)
    {
        Check(offset, 4, field);
        return (uint)(Bytes[offset] | (Bytes[offset + 1] << 8) | (Bytes[offset + 2] << 16) | (Bytes[offset + 3] << 24));
    }

    public ulong U64(long offset, string field) => U32(offset, field) | ((ulong)U32(offset + 4, field) << 32);

    public void WriteU16(long offset, ushort value, string field)
    {
        Check(offset, 2, field);
        Bytes[offset] = (byte)value;
        Bytes[offset + 1] = (byte)(value >> 8);
    }

    private void Check(long offset, int length, string field)
    {
        if (offset < 0 || offset + length > Bytes.Length)
        {
            throw new ElfFormatException(Path, field, $"{length}-byte field at offset {offset} is past the end of the file ({Bytes.Length} bytes; truncated?)");
        }
    }

    private long Offset(ulong value, string field) =>
        value <= (ulong)Bytes.Length ? (long)value
            : throw new ElfFormatException(Path, field, $"offset or size {value} is past the end of the file ({Bytes.Length} bytes; truncated?)");

    private void InSection(ElfSection section, long offset, int length, string record)
    {
        if (offset < section.Offset || offset + length > section.Offset + section.Size)
        {
            throw new ElfFormatException(Path, record, $"record at offset {offset} is outside its section (section {section.Index})");
        }
    }
}

/// <summary>How a libLibTorchSharp.so stands with respect to the GLIBCXX_3.4.32 patch.</summary>
internal enum GlibcxxCompatState
{
    /// <summary>The library does not require GLIBCXX_3.4.32: nothing to do.</summary>
    NotRequired,

    /// <summary>Requirement weak, symbol unversioned and weak: loads against an older libstdc++.</summary>
    Patched,

    /// <summary>Requires GLIBCXX_3.4.32 as built.</summary>
    NeedsPatch,
}

/// <summary>
/// The patch: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 for one symbol only,
/// _ZSt21ios_base_library_initv, which GCC 13's &lt;iostream&gt; references but nothing calls (no relocation uses it).
/// Marking (a) the GLIBCXX_3.4.32 Vernaux entry VER_FLG_WEAK, (b) the symbol's .gnu.version entry 1 (VER_NDX_GLOBAL,
/// unversioned) and (c) its .dynsym binding STB_WEAK lets the loader accept a libstdc++ without that version, even with
/// BIND_NOW (an undefined weak symbol resolves to 0). Three bytes change; the rest of the file stays as it is.
/// </summary>
internal static class GlibcxxCompat
{
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    public const string Symbol = "_ZSt21ios_base_library_initv";
    public const string StdCxx = "libstdc++.so.6";
    public const ushort VerFlgWeak = 0x2;
    public const ushort VerNdxGlobal = 1;
    public const byte StbGlobal = 1;
    public const byte StbWeak = 2;

    /// <summary>Where the three patched fields of one library live, checked against what the patch assumes.</summary>
    private sealed class Fields
    {
        public Fields(List<ElfVersionRequirement> requirements, List<int> symbols)
        {
            Requirements = requirements;
            Symbols = symbols;
        }

        public List<ElfVersionRequirement> Requirements { get; }

        public List<int> Symbols { get; }
    }

    /// <summary>Reads the patch state of <paramref name="image"/> without changing it.</summary>
    public static GlibcxxCompatState Inspect(ElfImage image)
    {
        var fields = Locate(image);
        if (fields == null)
        {
            return GlibcxxCompatState.NotRequired;
        }

        foreach (var requirement in fields.Requirements)
        {
            if ((requirement.Flags & VerFlgWeak) == 0)
            {
                return GlibcxxCompatState.NeedsPatch;
            }
        }

        foreach (int symbol in fields.Symbols)
        {
            if (image.U16(image.VersymOffset(symbol), ".gnu.version") != VerNdxGlobal
                || image.Bytes[image.SymbolOffset(symbol) + Elf64Sym.StInfo] >> 4 != StbWeak)
            {
                return GlibcxxCompatState.NeedsPatch;
            }
        }

        return GlibcxxCompatState.Patched;
    }

    /// <summary>
    /// Applies the three edits to <paramref name="image"/>'s bytes in place; returns false when there was nothing to
    /// change (already patched, or GLIBCXX_3.4.32 not required).
    /// </summary>
    public static bool Apply(ElfImage image)
    {
        var fields = Locate(image);
        if (fields == null)
        {
            return false;
        }

        bool changed = false;
        foreach (var requirement in fields.Requirements)
        {
            if ((requirement.Flags & VerFlgWeak) == 0)
            {
                image.WriteU16(requirement.Offset + Elf64Vernaux.VnaFlags, (ushort)(requirement.Flags | VerFlgWeak), "vna_flags");
                changed = true;
            }
        }

        foreach (int symbol in fields.Symbols)
        {
            long versym = image.VersymOffset(symbol);
            if (image.U16(versym, ".gnu.version") != VerNdxGlobal)
            {
                image.WriteU16(versym, VerNdxGlobal, ".gnu.version");
                changed = true;
            }

            long info = image.SymbolOffset(symbol) + Elf64Sym.StInfo;
            byte weak = (byte)((StbWeak << 4) | (image.Bytes[info] & 0xF));
            if (image.Bytes[info] != weak)
            {
                image.Bytes[info] = weak;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>
    /// Finds the GLIBCXX_3.4.32 requirement(s) and the symbol, and checks the patch covers everything that needs that
    /// version: null when the version is not required; otherwise an error when the file is not as expected.
    /// </summary>
    private static Fields? Locate(ElfImage image)
    {
        var requirements = image.VersionRequirements().FindAll(r => r.Name == RequiredVersion);
        if (requirements.Count == 0)
        {
            return null;
        }

        foreach (var requirement in requirements)
        {
            if (requirement.Library != StdCxx)
            {
                throw new ElfFormatException(image.Path, ".gnu.version_r", $"{RequiredVersion} is required from {requirement.Library}, expected {StdCxx}");
            }
        }

        var symbols = image.SymbolIndices(Symbol);
        if (symbols.Count == 0)
        {
            throw new ElfFormatException(image.Path, ".dynsym", $"requires {RequiredVersion} but has no symbol {Symbol}");
        }

        foreach (int symbol in symbols)
        {
            long record = image.SymbolOffset(symbol);
            int binding = image.Bytes[record + Elf64Sym.StInfo] >> 4;
            if (image.U16(record + Elf64Sym.StShndx, "st_shndx") != 0 || (binding != StbGlobal && binding != StbWeak))
            {
                throw new ElfFormatException(image.Path, "st_info", $"{Symbol} is not an undefined global or weak symbol");
            }
        }

        // Any other symbol bound to GLIBCXX_3.4.32 would fail to resolve once the version is weak: refuse.
        var versions = image.SymbolVersionIndices();
        for (int i = 0; i < versions.Length; i++)
        {
            if (!symbols.Contains(i) && requirements.Exists(r => r.Index == versions[i]))
            {
                string name = image.String(image.DynamicSymbols().Link,
                    image.U32(image.SymbolOffset(i) + Elf64Sym.StName, "st_name"), "st_name");
                throw new ElfFormatException(image.Path, ".gnu.version",
                    $"{name} also needs {RequiredVersion}; the patch only covers {Symbol}");
            }
        }

        return new Fields(requirements, symbols);
    }

    /// <summary>Reads <paramref name="path"/> as an ELF image.</summary>
    public static ElfImage Load(string path) => new ElfImage(path, File.ReadAllBytes(path));

    /// <summary>
    /// Writes <paramref name="destination"/> from <paramref name="source"/> (the same path edits in place), applying the
    /// patch when <paramref name="patch"/> is set. The result goes to a temporary file next to the destination that is
    /// then renamed over it, so a process that has the old file mapped keeps it; an in-place run that changes nothing
    /// writes nothing. Returns the state of the written (or kept) file.
    /// </summary>
    public static GlibcxxCompatState Stage(string source, string destination, bool patch)
    {
        var image = Load(source);
        bool changed = patch && Apply(image);
        var state = Inspect(image);
        bool inPlace = string.Equals(Path.GetFullPath(source), Path.GetFullPath(destination), StringComparison.Ordinal);
        if (inPlace && !changed)
        {
            return state;
        }

        string directory = Path.GetDirectoryName(Path.GetFullPath(destination)) ?? ".";
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.Copy(source, temporary); // keeps the source's permissions
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write))
            {
                stream.Write(image.Bytes, 0, image.Bytes.Length);
                stream.SetLength(image.Bytes.Length);
            }

            if (File.Exists(destination))
            {
                File.Replace(temporary, destination, null); // rename(2) on Unix: atomic
            }
            else
            {
                File.Move(temporary, destination);
            }
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }

        return state;
    }
}

/// <summary>
/// The host's libstdc++.so.6 as the dynamic loader would find it: the entries of /etc/ld.so.cache for the library's
/// architecture, or else the first one in the standard library directories. No ldconfig needed.
/// </summary>
internal static class HostStdCxx
{
    private const string CacheMagic = "glibc-ld.so.cache1.1";
    private const string OldCacheMagic = "ld.so-1.7.0";
    private const int FlagTypeMask = 0x00FF;
    private const int FlagElfLibc6 = 0x0003;
    private const int FlagRequiredMask = 0xFF00;
    private const int FlagX8664Lib64 = 0x0300;
    private const int FlagAarch64Lib64 = 0x0A00;

    /// <summary>
    /// Whether a library for <paramref name="machine"/> needs the patch on this host: true on Linux when a libstdc++.so.6
    /// the loader may pick lacks GLIBCXX_3.4.32 (or none is found); <paramref name="reason"/> says which file decided.
    /// </summary>
    public static bool NeedsCompat(ushort machine, string ldSoCache, out string reason)
    {
        var candidates = Candidates(machine, ldSoCache);
        if (candidates.Count == 0)
        {
            reason = $"no {GlibcxxCompat.StdCxx} found in {ldSoCache} or the standard library directories";
            return true;
        }

        foreach (string candidate in candidates)
        {
            if (!GlibcxxCompat.Load(candidate).VersionDefinitions().Contains(GlibcxxCompat.RequiredVersion))
            {
                reason = $"{candidate} lacks {GlibcxxCompat.RequiredVersion}";
                return true;
            }
        }

        reason = $"{string.Join(", ", candidates)} defines {GlibcxxCompat.RequiredVersion}";
        return false;
    }

    /// <summary>The libstdc++.so.6 files for <paramref name="machine"/>: from the loader cache, else the standard directories.</summary>
    public static List<string> Candidates(ushort machine, string ldSoCache)
    {
        var found = new List<string>();
        foreach (string path in CacheEntries(ldSoCache, machine))
        {
            if (File.Exists(path) && !found.Contains(path) && MachineOf(path) == machine)
            {
                found.Add(path);
            }
        }

        if (found.Count > 0)
        {
            return found;
        }

        string multiarch = machine == ElfImage.EmAarch64 ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
        string[] directories =
        {
            $"/usr/lib/{multiarch}", $"/lib/{multiarch}", "/usr/lib64", "/lib64", "/usr/lib", "/lib",
        };
        foreach (string directory in directories)
        {
            string path = Path.Combine(directory, GlibcxxCompat.StdCxx);
            if (File.Exists(path) && MachineOf(path) == machine)
            {
                found.Add(path);
                break;
            }
        }

        return found;
    }

    /// <summary>
    /// The paths /etc/ld.so.cache lists for libstdc++.so.6 with <paramref name="machine"/>'s flags (glibc's new cache
    /// format, alone or after the old one); empty when the file is missing or not understood.
    /// </summary>
    public static List<string> CacheEntries(string ldSoCache, ushort machine)
    {
        var paths = new List<string>();
        int archFlag = machine == ElfImage.EmX8664 ? FlagX8664Lib64 : machine == ElfImage.EmAarch64 ? FlagAarch64Lib64 : -1;
        if (archFlag < 0 || !File.Exists(ldSoCache))
        {
            return paths;
        }

        byte[] cache = File.ReadAllBytes(ldSoCache);
        long header = 0;
        if (StartsWith(cache, 0, OldCacheMagic))
        {
            // Old format: 12-byte header + nlibs, 12-byte entries, then the new format aligned to 8 bytes.
            if (cache.Length < 16)
            {
                return paths;
            }

            header = (16 + (long)BitConverter.ToUInt32(cache, 12) * 12 + 7) & ~7L;
        }

        if (!StartsWith(cache, header, CacheMagic) || header + 48 > cache.Length)
        {
            return paths;
        }

        // struct cache_file_new: magic+version (20), nlibs u32, len_strings u32, flags u8, pad[3], extension_offset u32,
        // unused[3] u32 = 48 bytes; then nlibs 24-byte entries: flags i32, key u32, value u32, osversion u32, hwcap u64.
        // Key and value are string offsets from the start of this header.
        long count = BitConverter.ToUInt32(cache, (int)header + 20);
        for (long i = 0; i < count; i++)
        {
            long entry = header + 48 + i * 24;
            if (entry + 24 > cache.Length)
            {
                break;
            }

            int flags = BitConverter.ToInt32(cache, (int)entry);
            if ((flags & FlagTypeMask) != FlagElfLibc6 || (flags & FlagRequiredMask) != archFlag)
            {
                continue;
            }

            string? key = CString(cache, header + BitConverter.ToUInt32(cache, (int)entry + 4));
            string? value = CString(cache, header + BitConverter.ToUInt32(cache, (int)entry + 8));
            if (key == GlibcxxCompat.StdCxx && value != null)
            {
                paths.Add(value);
            }
        }

        return paths;
    }

    private static ushort MachineOf(string path)
    {
        var header = new byte[Elf64Ehdr.Length];
        using (var stream = File.OpenRead(path))
        {
            if (stream.Read(header, 0, header.Length) < header.Length)
            {
                return 0;
            }
        }

        return header[0] == 0x7F && header[1] == (byte)'E' && header[Elf64Ehdr.EiClass] == 2 && header[Elf64Ehdr.EiData] == 1
            ? BitConverter.ToUInt16(header, Elf64Ehdr.EMachine)
            : (ushort)0;
    }

    private static bool StartsWith(byte[] bytes, long offset, string ascii)
    {
        if (offset + ascii.Length > bytes.Length)
        {
            return false;
        }

        for (int i = 0; i < ascii.Length; i++)
        {
            if (bytes[offset + i] != ascii[i])
            {
                return false;
            }
        }

        return true;
    }

    private static string? CString(byte[] bytes, long offset)
    {
        if (offset < 0 || offset >= bytes.Length)
        {
            return null;
        }

        long end = offset;
        while (end < bytes.Length && bytes[end] != 0)
        {
            end++;
        }

        return end < bytes.Length ? Encoding.UTF8.GetString(bytes, (int)offset, (int)(end - offset)) : null;
    }
}

#if !AFFECT_ELF_TESTS
/// <summary>
/// MSBuild task: writes <see cref="DestinationFile"/> from <see cref="SourceFile"/> (same path: in place), patched when
/// this host is Linux and its libstdc++.so.6 lacks GLIBCXX_3.4.32. Errors name the file and the ELF field.
/// </summary>
public sealed class AffectPatchLibTorchSharp : Task
{
    /// <summary>The package's libLibTorchSharp.so (or the file to patch in place).</summary>
    [Required]
    public string SourceFile { get; set; } = "";

    /// <summary>Where the (patched) copy goes; equal to <see cref="SourceFile"/> to patch in place.</summary>
    [Required]
    public string DestinationFile { get; set; } = "";

    /// <summary>The dynamic loader cache to consult; /etc/ld.so.cache by default.</summary>
    public string LoaderCache { get; set; } = "/etc/ld.so.cache";

    /// <summary>Whether the file that was written (or kept) is patched.</summary>
    [Output]
    public bool Patched { get; set; }

    /// <inheritdoc />
    public override bool Execute()
    {
        try
        {
            var image = GlibcxxCompat.Load(SourceFile);
            string reason = "not a Linux host";
            bool patch = System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
                && HostStdCxx.NeedsCompat(image.Machine, LoaderCache, out reason);
            var before = GlibcxxCompat.Inspect(image);
            var state = GlibcxxCompat.Stage(SourceFile, DestinationFile, patch);
            Patched = state == GlibcxxCompatState.Patched;
            if (patch && before == GlibcxxCompatState.NeedsPatch)
            {
                Log.LogMessage(MessageImportance.High,
                    $"affect: patched {DestinationFile} ({GlibcxxCompat.RequiredVersion} weak, {GlibcxxCompat.Symbol} unversioned and weak; {reason})");
            }
            else
            {
                Log.LogMessage(MessageImportance.Low, $"affect: {DestinationFile}: {state} ({reason})");
            }

            return true;
        }
        catch (ElfFormatException error)
        {
            Log.LogError($"affect: {error.Message}");
        }
        catch (Exception error) when (error is IOException || error is UnauthorizedAccessException)
        {
            Log.LogError($"affect: {DestinationFile}: {error.Message}");
        }

        return false;
    }
}
#endif
