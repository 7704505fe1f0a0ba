#!/usr/bin/python3
"""Inspect and edit the ELF symbol-versioning tables of a shared library (ELF64, little-endian).

Used by patch-libtorchsharp.sh to let libLibTorchSharp.so (built against GCC 13's libstdc++,
which defines GLIBCXX_3.4.32) load against Debian 12's libstdc++ (GLIBCXX_3.4.30):

* defines LIB VERSION          exit 0 when LIB's .gnu.version_d defines VERSION, else exit 1.
* state LIB VERSION SYMBOL SHIM  print one word:
      not-required  LIB has no version requirement named VERSION (nothing to patch);
      patched       the requirement is weak, SYMBOL is unversioned and SHIM is a DT_NEEDED entry;
      needs-patch   otherwise.
* weaken LIB VERSION SYMBOL    set VER_FLG_WEAK on LIB's Vernaux entry named VERSION
                               (.gnu.version_r) and set SYMBOL's .gnu.version entry to 1
                               (VER_NDX_GLOBAL, i.e. unversioned), in place.
* runpath LIB                  print LIB's DT_RUNPATH (or DT_RPATH) string, empty when none.

Layouts follow the System V gABI and the LSB "Symbol Versioning" chapter:
Elf64_Shdr (64 bytes), Elf64_Sym (24), Elf64_Dyn (16), Elf64_Verneed/Vernaux (16/16),
Elf64_Verdef/Verdaux (20/8), Elf64_Versym (2).
"""

import struct
import sys

SHT_DYNAMIC = 6
SHT_DYNSYM = 11
SHT_GNU_VERDEF = 0x6FFFFFFD
SHT_GNU_VERNEED = 0x6FFFFFFE
SHT_GNU_VERSYM = 0x6FFFFFFF
DT_NULL = 0
DT_NEEDED = 1
DT_RPATH = 15
DT_RUNPATH = 29
VER_FLG_WEAK = 0x2
VER_NDX_GLOBAL = 1


class ElfError(Exception):
    pass


class Section:
    def __init__(self, sh_type, offset, size, link, entsize):
        self.type = sh_type
        self.offset = offset
        self.size = size
        self.link = link
        self.entsize = entsize


class Elf:
    def __init__(self, path, data):
        self.path = path
        self.data = data
        if data[:4] != b"\x7fELF":
            raise ElfError(f"{path}: not an ELF file (bad magic)")
        if data[4] != 2 or data[5] != 1:
            raise ElfError(f"{path}: e_ident: only ELF64 little-endian is supported")
        e_shoff, = struct.unpack_from("<Q", data, 0x28)
        e_shentsize, e_shnum, _ = struct.unpack_from("<HHH", data, 0x3A)
        if e_shoff == 0 or e_shentsize != 64:
            raise ElfError(f"{path}: section header table missing or e_shentsize != 64")
        self.sections = []
        for i in range(e_shnum):
            base = e_shoff + i * e_shentsize
            _, sh_type, _, _, sh_offset, sh_size, sh_link, _, _, sh_entsize = struct.unpack_from(
                "<IIQQQQIIQQ", data, base)
            self.sections.append(Section(sh_type, sh_offset, sh_size, sh_link, sh_entsize))

    def find(self, sh_type):
        return next((s for s in self.sections if s.type == sh_type), None)

    def string(self, strtab_index, offset):
        sec = self.sections[strtab_index]
        start = sec.offset + offset
        end = self.data.index(b"\0", start)
        return self.data[start:end].decode("utf-8", "replace")

    def verdefs(self):
        sec = self.find(SHT_GNU_VERDEF)
        if sec is None:
            return []
        names = []
        pos = sec.offset
        while True:
            _, _, _, vd_cnt, _, vd_aux, vd_next = struct.unpack_from("<HHHHIII", self.data, pos)
            aux = pos + vd_aux
            for _ in range(vd_cnt):
                vda_name, vda_next = struct.unpack_from("<II", self.data, aux)
                names.append(self.string(sec.link, vda_name))
                if vda_next == 0:
                    break
                aux += vda_next
            if vd_next == 0:
                return names
            pos += vd_next

    def vernaux(self, version):
        """Yield (file offset of the Vernaux entry, flags, other) for each requirement named version."""
        sec = self.find(SHT_GNU_VERNEED)
        if sec is None:
            return
        pos = sec.offset
        while True:
            _, vn_cnt, _, vn_aux, vn_next = struct.unpack_from("<HHIII", self.data, pos)
            aux = pos + vn_aux
            for _ in range(vn_cnt):
                _, vna_flags, vna_other, vna_name, vna_next = struct.unpack_from("<IHHII", self.data, aux)
                if self.string(sec.link, vna_name) == version:
                    yield aux, vna_flags, vna_other
                if vna_next == 0:
                    break
                aux += vna_next
            if vn_next == 0:
                return
            pos += vn_next

    def symbol_versym_offsets(self, symbol):
        """Yield the file offset of the .gnu.version entry of each dynamic symbol named symbol."""
        dynsym = self.find(SHT_DYNSYM)
        versym = self.find(SHT_GNU_VERSYM)
        if dynsym is None or versym is None:
            return
        count = dynsym.size // 24
        for i in range(count):
            st_name, = struct.unpack_from("<I", self.data, dynsym.offset + i * 24)
            if self.string(dynsym.link, st_name) == symbol:
                yield versym.offset + i * 2

    def dynamic(self):
        sec = self.find(SHT_DYNAMIC)
        if sec is None:
            return []
        entries = []
        for pos in range(sec.offset, sec.offset + sec.size, 16):
            tag, val = struct.unpack_from("<qQ", self.data, pos)
            if tag == DT_NULL:
                break
            entries.append((tag, val, sec.link))
        return entries

    def needed(self):
        return [self.string(link, val) for tag, val, link in self.dynamic() if tag == DT_NEEDED]

    def runpath(self):
        paths = [self.string(link, val) for tag, val, link in self.dynamic() if tag in (DT_RUNPATH, DT_RPATH)]
        return paths[0] if paths else ""


def load(path, writable=False):
    with open(path, "rb") as f:
        data = f.read()
    return Elf(path, bytearray(data) if writable else data)


def state(path, version, symbol, shim):
    elf = load(path)
    requirements = list(elf.vernaux(version))
    if not requirements:
        return "not-required"
    weak = all(flags & VER_FLG_WEAK for _, flags, _ in requirements)
    versioned = [struct.unpack_from("<H", elf.data, off)[0] & 0x7FFF for off in elf.symbol_versym_offsets(symbol)]
    unversioned = all(v <= VER_NDX_GLOBAL for v in versioned)
    return "patched" if weak and unversioned and shim in elf.needed() else "needs-patch"


def weaken(path, version, symbol):
    elf = load(path, writable=True)
    requirements = list(elf.vernaux(version))
    if not requirements:
        raise ElfError(f"{path}: .gnu.version_r: no requirement named {version}")
    for off, flags, _ in requirements:
        struct.pack_into("<H", elf.data, off + 4, flags | VER_FLG_WEAK)
    for off in elf.symbol_versym_offsets(symbol):
        struct.pack_into("<H", elf.data, off, VER_NDX_GLOBAL)
    with open(path, "r+b") as f:
        f.write(elf.data)


def main(argv):
    if len(argv) < 3:
        raise ElfError(__doc__)
    command, path = argv[1], argv[2]
    if command == "defines" and len(argv) == 4:
        return 0 if argv[3] in load(path).verdefs() else 1
    if command == "state" and len(argv) == 6:
        print(state(path, argv[3], argv[4], argv[5]))
        return 0
    if command == "weaken" and len(argv) == 5:
        weaken(path, argv[3], argv[4])
        return 0
    if command == "runpath" and len(argv) == 3:
        print(load(path).runpath())
        return 0
    raise ElfError(f"unknown command or wrong argument count: {' '.join(argv[1:])}\n{__doc__}")


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except (ElfError, OSError, struct.error, ValueError, IndexError) as error:
        print(f"glibcxx_compat.py: {error}", file=sys.stderr)
        sys.exit(2)
