import { withFile } from '../platform/bounded-file';
import type { BoundedFile } from '../platform/bounded-file';
import { PT_NOTE, readElfHeaders, readSectionHeaders, type SectionHeader } from './elf-headers';
import { findBuildIdNote, parseNotes } from './notes';

export interface ElfFileFacts {
  buildId: string | null;
  hasDebugInfo: boolean;
  hasSymbols: boolean;
  /** Whether its code is in it: false for a separate debug file, whose .text takes no bytes. */
  hasCode: boolean;
  /** Whether the Go toolchain built it (its `.go.buildinfo` section), so a Go reader knows its stacks. */
  builtByGo: boolean;
  /** Name in .gnu_debuglink, for debug files found by name rather than build-id. */
  debugLink: string | null;
  /**
   * What its compressed DWARF sections (zlib or zstd, as distributions ship debug files) come to
   * once inflated, in bytes; 0 when none is compressed.
   */
  inflatedDebugBytes: number;
}

const SHT_SYMTAB = 2;
const SHT_DYNSYM = 11;
const SHT_NOBITS = 8;
const SHF_COMPRESSED = 0x800n;

/** The inflated size of the compressed debug sections: from each one's Elf64_Chdr, or the size after the "ZLIB" of an old .zdebug one. */
async function inflatedDebugBytes(file: BoundedFile, sections: SectionHeader[]): Promise<number> {
  let total = 0;
  for (const section of sections) {
    if (section.type === SHT_NOBITS || section.size < 12) continue;
    if ((section.flags & SHF_COMPRESSED) !== 0n && section.name.startsWith('.debug_')) {
      const head = await file.read(section.offset, 16);
      if (head.length === 16) total += Number(head.readBigUInt64LE(8));
    } else if (section.name.startsWith('.zdebug_')) {
      const head = await file.read(section.offset, 12);
      if (head.length === 12 && head.toString('latin1', 0, 4) === 'ZLIB') total += Number(head.readBigUInt64BE(4));
    }
  }
  return total;
}

/** What an executable or library on disk says about itself: its build-id and what symbols it carries. */
export async function inspectElfFile(path: string): Promise<ElfFileFacts> {
  return withFile(path, async (file) => {
    const { header, segments } = await readElfHeaders(file);
    let buildId: string | null = null;
    for (const seg of segments.filter((s) => s.type === PT_NOTE)) {
      buildId = findBuildIdNote(parseNotes(await file.read(seg.offset, Math.min(seg.filesz, 1 << 16))));
      if (buildId) break;
    }
    const sections = await readSectionHeaders(file, header);
    const debugLinkSection = sections.find((s) => s.name === '.gnu_debuglink');
    let debugLink: string | null = null;
    if (debugLinkSection) {
      const raw = await file.read(debugLinkSection.offset, Math.min(debugLinkSection.size, 4096));
      const end = raw.indexOf(0);
      debugLink = raw.toString('utf8', 0, end === -1 ? raw.length : end) || null;
    }
    return {
      buildId,
      hasDebugInfo: sections.some((s) => s.name === '.debug_info' && s.size > 0),
      hasSymbols: sections.some((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM),
      hasCode: sections.some((s) => s.name === '.text' && s.type !== SHT_NOBITS && s.size > 0),
      builtByGo: sections.some((s) => s.name === '.go.buildinfo'),
      debugLink,
      inflatedDebugBytes: await inflatedDebugBytes(file, sections),
    };
  });
}
